using System.Runtime.Versioning;

// netipsecd drives Linux interfaces (TUN, rtnetlink, raw sockets): it runs on Linux only.
[assembly: SupportedOSPlatform("linux")]
