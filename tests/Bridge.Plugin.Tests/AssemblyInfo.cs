// The hooks run under runuser as another user, and the spool relies on Unix modes: these tests are Linux-only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
