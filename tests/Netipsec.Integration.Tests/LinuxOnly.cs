using System.Runtime.Versioning;

// netipsecd is Linux-only, and so are the tests that drive it.
[assembly: SupportedOSPlatform("linux")]
