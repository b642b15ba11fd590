using Microsoft.Extensions.Hosting;

// netipsecd: hosts the PF_KEY service, the TUN device and the wire sockets (issue: the daemon). Until those land it
// only starts and stops the host, so the project builds and its tests run.
using IHost host = Host.CreateApplicationBuilder(args).Build();
await host.RunAsync().ConfigureAwait(false);
