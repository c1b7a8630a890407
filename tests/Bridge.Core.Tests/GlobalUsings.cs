global using Bridge.Core.Model;
global using NUnit.Framework;
