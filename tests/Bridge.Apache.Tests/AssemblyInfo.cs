using System.Runtime.Versioning;

// The tests run a real Debian Apache, symlinks and Unix file modes: Linux only.
[assembly: SupportedOSPlatform("linux")]
