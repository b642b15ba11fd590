using System.Globalization;
using Netipsec.Engine;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Cli.Demo;

/// <summary>Collects the key-manager events of several engines as readable lines, in order.</summary>
internal sealed class EventLog
{
    public List<string> Lines { get; } = [];

    public IKeyManagerListener For(string name) => new Listener(this, name);

    private sealed class Listener(EventLog log, string name) : IKeyManagerListener
    {
        public void OnAcquire(AcquireRequest request) => Add(
            $"{name}: ACQUIRE #{request.Sequence} {request.Template.Protocol} {request.Template.Mode} {request.Source} -> {request.Destination} for {request.Selector}");

        public void OnStateExpired(SecurityAssociation state, ExpiryKind kind) => Add($"{name}: EXPIRE {kind} SA spi 0x{state.Spi:x8}");

        public void OnPolicyExpired(SecurityPolicy policy, ExpiryKind kind) => Add($"{name}: EXPIRE {kind} policy {policy.Index}");

        private void Add(FormattableString line) => log.Lines.Add(line.ToString(CultureInfo.InvariantCulture));
    }
}
