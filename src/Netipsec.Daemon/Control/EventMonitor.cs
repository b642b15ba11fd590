using System.Collections.Immutable;
using System.Globalization;
using System.Threading.Channels;
using Netipsec.Engine;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Daemon.Control;

/// <summary>
/// The event stream behind <c>monitor</c> (like <c>ip xfrm monitor</c>): ACQUIRE, EXPIRE and SPDEXPIRE from the
/// engine, and every change the PF_KEY service announces to all sockets (SAs and policies added, updated, deleted,
/// flushed), one text line each, fanned out to every subscriber.
/// </summary>
/// <remarks>
/// The engine raises events under its database locks and the service delivers its copies synchronously, so an
/// event is only formatted and offered to bounded queues here; a subscriber that falls behind loses its oldest
/// lines, never slowing the engine. Nothing here carries keys: the copies PF_KEY sends to all never do.
/// </remarks>
internal sealed class EventMonitor : IKeyManagerListener
{
    private const int QueueCapacity = 1024;
    private static int s_nextClientId = 1_000_000; // apart from the PF_KEY socket server's connection numbers

    private ImmutableArray<Channel<string>> _subscribers = [];

    /// <summary>Starts watching <paramref name="engine"/> and <paramref name="pfKey"/>.</summary>
    public EventMonitor(XfrmEngine engine, PfKeyService pfKey)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(pfKey);
        engine.Events.Register(this);
        pfKey.Attach(new PfKeyClient(Interlocked.Increment(ref s_nextClientId), OnPfKeyMessage));
    }

    /// <summary>A new subscriber's line queue; dispose the subscription to stop receiving.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        ImmutableInterlocked.Update(ref _subscribers, static (list, added) => list.Add(added), channel);
        return new Subscription(this, channel);
    }

    public void OnAcquire(AcquireRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Publish(Invariant($"acquire seq {request.Sequence} proto {Lower(request.Template.Protocol)} mode {Lower(request.Template.Mode)} src {request.Source} dst {request.Destination} reqid {request.Template.ReqId} sel {request.Selector}"));
    }

    public void OnStateExpired(SecurityAssociation state, ExpiryKind kind)
    {
        ArgumentNullException.ThrowIfNull(state);
        Publish(Invariant($"expire {Lower(kind)} proto {Lower(state.Protocol)} spi 0x{state.Spi:x8} src {state.Source} dst {state.Destination}"));
    }

    public void OnPolicyExpired(SecurityPolicy policy, ExpiryKind kind)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Publish(Invariant($"policy-expire {Lower(kind)} dir {Lower(policy.Direction)} index {policy.Index} sel {policy.Selector}"));
    }

    /// <summary>One line for a PF_KEY message sent to all: its type, SA type, SPI, addresses and policy direction.</summary>
    internal static string? Describe(ReadOnlySpan<byte> message)
    {
        if (!PfKeyMessage.TryParse(message, PfKeyOrigin.Service, out PfKeyMessage parsed, out _))
        {
            return null;
        }

        // The engine's own events (with more detail) cover these.
        if (parsed.Header.Type is MessageType.Acquire or MessageType.Expire or MessageType.SpdExpire)
        {
            return null;
        }

        var line = new System.Text.StringBuilder("pfkey ");
        line.Append(Lower(parsed.Header.Type));
        if (parsed.Header.SaType != SaType.Unspecified)
        {
            line.Append(' ').Append(Lower(parsed.Header.SaType));
        }

        if (parsed.TryGetSa(out SaExtension sa))
        {
            line.Append(CultureInfo.InvariantCulture, $" spi 0x{sa.Spi:x8}");
        }

        if (parsed.TryGetPolicy(out PolicyExtension policy))
        {
            line.Append(CultureInfo.InvariantCulture, $" dir {Lower(policy.Header.Direction)} index {policy.Header.Id}");
        }

        if (parsed.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source))
        {
            line.Append(CultureInfo.InvariantCulture, $" src {source.Sockaddr.Address}/{source.PrefixLength}");
        }

        if (parsed.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination))
        {
            line.Append(CultureInfo.InvariantCulture, $" dst {destination.Sockaddr.Address}/{destination.PrefixLength}");
        }

        return line.ToString();
    }

    private void OnPfKeyMessage(ReadOnlySpan<byte> message)
    {
        if (!_subscribers.IsEmpty && Describe(message) is { } line)
        {
            Publish(line);
        }
    }

    private void Publish(string line)
    {
        foreach (Channel<string> subscriber in _subscribers)
        {
            subscriber.Writer.TryWrite(line);
        }
    }

    private void Unsubscribe(Channel<string> channel)
    {
        ImmutableInterlocked.Update(ref _subscribers, static (list, removed) => list.Remove(removed), channel);
        channel.Writer.TryComplete();
    }

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One subscriber's lines, oldest first.</summary>
    internal sealed class Subscription(EventMonitor monitor, Channel<string> channel) : IDisposable
    {
        public ChannelReader<string> Lines => channel.Reader;

        public void Dispose() => monitor.Unsubscribe(channel);
    }
}
