using Netipsec.Daemon.DataPlane;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Transforms;

namespace Netipsec.Daemon.Tests.TestDoubles;

/// <summary>A <see cref="Gateway"/> over fake devices with its loops running on their own threads, as the hosted services run them.</summary>
internal sealed class RunningGateway : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _loops;

    public RunningGateway(ChannelWire wire, IpAddress localAddress, int batchSize = 8, bool larvalDrop = true, Func<IpAddress, bool>? bypassesToWire = null)
    {
        Wire = wire;
        Engine = new XfrmEngine(TimeProvider.System, XfrmTypeRegistry.CreateDefault());
        Engine.Events.Register(new NullKeyManager()); // as the PF_KEY service does: ACQUIREs have a listener
        Gateway = new Gateway(Engine, Tun, wire, Pool, Statistics, new GatewaySettings(batchSize, LarvalDrop: larvalDrop), address => address == localAddress, bypassesToWire);
        _loops =
        [
            .. Gateway.TunLoops.Select(loop => Task.Factory.StartNew(() => loop.Run(_stopping.Token), TaskCreationOptions.LongRunning)),
            Task.Factory.StartNew(() => Gateway.WireLoop.Run(_stopping.Token), TaskCreationOptions.LongRunning),
        ];
    }

    public XfrmEngine Engine { get; }

    public PacketPool Pool { get; } = new(256, diagnostics: true);

    public DaemonStatistics Statistics { get; } = new();

    public ChannelTun Tun { get; } = new();

    public ChannelWire Wire { get; }

    public Gateway Gateway { get; }

    /// <summary>Waits until <paramref name="condition"/> holds (the loops run on other threads); false after 10 s.</summary>
    public static bool Eventually(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(5);
        }

        return true;
    }

    /// <summary>Stops the loops and checks that every packet went back to the pool.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        Gateway.Close();
        Task.WaitAll(_loops, TimeSpan.FromSeconds(10));
        Assert.Empty(Pool.DescribeLeaks());
        Tun.Dispose();
        Wire.Dispose();
        _stopping.Dispose();
    }

    private sealed class NullKeyManager : IKeyManagerListener
    {
        public void OnAcquire(AcquireRequest request)
        {
        }

        public void OnStateExpired(Netipsec.States.SecurityAssociation state, Netipsec.States.ExpiryKind kind)
        {
        }

        public void OnPolicyExpired(Netipsec.Policies.SecurityPolicy policy, Netipsec.States.ExpiryKind kind)
        {
        }
    }
}
