using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Netipsec.Daemon.Config;
using Netipsec.Daemon.Control;
using Netipsec.Daemon.Hosting;

// netipsecd: the user-space IPsec daemon. Traffic the kernel routes into the TUN interface is protected and sent
// out raw or UDP sockets; IPsec packets from those sockets are decapsulated and written back to the TUN.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(DaemonOptions.Switches));
if (DaemonOptions.TryLoad(builder.Configuration, out DaemonOptions options) is { } optionError)
{
    await Console.Error.WriteLineAsync($"netipsecd: {optionError}").ConfigureAwait(false);
    return 2;
}

builder.Services.AddSingleton(options);
builder.Services.AddSingleton<DaemonRuntime>();
builder.Services.AddSingleton(static services => new EventMonitor(services.GetRequiredService<DaemonRuntime>().Engine, services.GetRequiredService<DaemonRuntime>().PfKey));

// Start order is registration order and stop order its reverse: the configuration is checked before anything opens,
// devices open before the loops and close after them.
builder.Services.AddHostedService<ConfigurationService>();
builder.Services.AddHostedService<DataPlaneService>();
builder.Services.AddHostedService<TunReaderService>();
builder.Services.AddHostedService<WireReceiverService>();
builder.Services.AddHostedService<TimerService>();
builder.Services.AddHostedService<ControlService>();
builder.Services.AddHostedService<PfKeySocketService>();

using IHost host = builder.Build();
return await DaemonHost.RunAsync(host).ConfigureAwait(false);
