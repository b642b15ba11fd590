using Netipsec.Engine;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Setkey;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.States;
using Netipsec.Transforms;

namespace Netipsec.Daemon.Config;

/// <summary>
/// Applies a setkey-syntax configuration file to the live engine through its PF_KEY service, all or nothing, and on
/// reload only the difference.
/// </summary>
/// <remarks>
/// <para>
/// How: the file is compiled, then every statement is run against a scratch engine of its own, in order — so
/// <c>flush;</c> and <c>spdflush;</c> at the top, deletes and re-adds mean what they mean in setkey, and PF_KEY's own
/// checks refuse a bad statement with its line and column before anything live changes. What the scratch engine
/// holds afterwards is the desired state. It is compared with the live SAD and SPD: SAs and policies this file put
/// there before and no longer wants, or wants changed, are deleted; new or changed ones are added by sending the
/// live service the very statement that created them in the scratch run. Everything equal keeps running untouched.
/// </para>
/// <para>
/// SAs and policies the file never installed (a key manager's, over the PF_KEY socket) are left alone, unless the file
/// now asks for one of them changed. Thread-safe: loads are serialised.
/// </para>
/// </remarks>
internal sealed class ConfigurationLoader
{
    private readonly XfrmEngine _live;
    private readonly PfKeyService _liveService;
    private readonly Lock _lock = new();
    private HashSet<SaId> _ownedStates = [];
    private HashSet<PolicyKey> _ownedPolicies = [];
    private uint _sequence;

    public ConfigurationLoader(XfrmEngine live, PfKeyService liveService)
    {
        _live = live;
        _liveService = liveService;
    }

    /// <summary>Loads <paramref name="path"/> and makes the live databases match it.</summary>
    public ConfigurationOutcome Apply(string path)
    {
        string source;
        try
        {
            source = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return ConfigurationOutcome.Refusal([$"{path}: cannot read: {exception.Message}"]);
        }

        return ApplySource(source, path);
    }

    /// <summary>Like <see cref="Apply"/> for configuration text already read; <paramref name="sourceName"/> names it in errors.</summary>
    public ConfigurationOutcome ApplySource(string source, string sourceName)
    {
        lock (_lock)
        {
            using SetkeyCompilation compilation = SetkeyCompiler.Compile(source, sourceName);
            if (!compilation.Succeeded)
            {
                return ConfigurationOutcome.Refusal([.. compilation.Errors.Select(static error => error.ToString())]);
            }

            var scratch = new XfrmEngine(TimeProvider.System, XfrmTypeRegistry.CreateDefault());
            try
            {
                var desired = new DesiredState();
                List<string> errors = RunOnScratch(scratch, compilation, sourceName, desired);
                return errors.Count > 0 ? ConfigurationOutcome.Refusal(errors) : ApplyDifference(desired, sourceName);
            }
            finally
            {
                // The scratch SAs hold copies of the keys: flushing kills them, which wipes the keys.
                scratch.States.Flush();
            }
        }
    }

    /// <summary>Runs every statement against a fresh engine, recording which statement made each SA and policy.</summary>
    private static List<string> RunOnScratch(XfrmEngine scratch, SetkeyCompilation compilation, string sourceName, DesiredState desired)
    {
        var service = new PfKeyService(scratch);
        using var channel = new InProcessPfKeyChannel(service);
        List<string> errors = [];
        foreach (SetkeyStatement statement in compilation.Statements)
        {
            switch (statement.Kind)
            {
                case SetkeyStatementKind.Get or SetkeyStatementKind.Dump or SetkeyStatementKind.SpdDump:
                    continue; // reads change nothing
                case SetkeyStatementKind.DeleteAll:
                    errors.Add($"{sourceName}:{statement.Line}:{statement.Column}: deleteall is not supported in a configuration file (list the deletes)");
                    continue;
            }

            var before = new HashSet<object>(scratch.States.Dump().Cast<object>().Concat(scratch.Policies.Dump()), ReferenceEqualityComparer.Instance);
            (PfKeyErrno errno, PfKeyDiagnostic diagnostic) = PfKeyRequests.Send(channel, statement.Request.Span);
            if (errno != PfKeyErrno.None)
            {
                errors.Add($"{sourceName}:{statement.Line}:{statement.Column}: {statement.Kind.ToString().ToLowerInvariant()} refused: {errno}{(diagnostic == PfKeyDiagnostic.None ? "" : $" ({diagnostic})")}");
                continue;
            }

            desired.Record(scratch, before, statement.Request);
        }

        desired.Finish(scratch);
        return errors;
    }

    private ConfigurationOutcome ApplyDifference(DesiredState desired, string sourceName)
    {
        using var channel = new InProcessPfKeyChannel(_liveService);
        List<string> errors = [];
        int added = 0, removed = 0, kept = 0;
        Dictionary<SaId, SecurityAssociation> liveStates = [];
        foreach (SecurityAssociation sa in _live.States.Dump())
        {
            liveStates.TryAdd(sa.Id, sa);
        }

        Dictionary<PolicyKey, SecurityPolicy> livePolicies = [];
        foreach (SecurityPolicy policy in _live.Policies.Dump())
        {
            livePolicies.TryAdd(PolicyKey.Of(policy), policy);
        }

        // Deletions first (policies before the SAs they use), then additions (SAs before the policies that use them).
        List<SecurityPolicy> policiesToDelete = [];
        List<byte[]> policiesToAdd = [];
        foreach (PolicyKey key in _ownedPolicies.Union(desired.Policies.Keys))
        {
            SecurityPolicy? installed = livePolicies.GetValueOrDefault(key);
            bool wanted = desired.Policies.TryGetValue(key, out (SecurityPolicy Policy, ReadOnlyMemory<byte> Request) target);
            if (installed is not null && wanted && ConfigurationEquality.SamePolicy(installed, target.Policy))
            {
                kept++;
                continue;
            }

            if (installed is not null && (wanted || _ownedPolicies.Contains(key)))
            {
                policiesToDelete.Add(installed);
            }

            if (wanted)
            {
                policiesToAdd.Add(target.Request.ToArray());
            }
        }

        List<SecurityAssociation> statesToDelete = [];
        List<ReadOnlyMemory<byte>> statesToAdd = [];
        foreach (SaId key in _ownedStates.Union(desired.States.Keys))
        {
            SecurityAssociation? installed = liveStates.GetValueOrDefault(key);
            bool wanted = desired.States.TryGetValue(key, out (SecurityAssociation State, ReadOnlyMemory<byte> Request) target);
            if (installed is not null && wanted && ConfigurationEquality.SameState(installed, target.State))
            {
                kept++;
                continue;
            }

            if (installed is not null && (wanted || _ownedStates.Contains(key)))
            {
                statesToDelete.Add(installed);
            }

            if (wanted)
            {
                statesToAdd.Add(target.Request);
            }
        }

        foreach (SecurityPolicy policy in policiesToDelete)
        {
            removed += Count(Send(channel, PfKeyRequests.DeletePolicy(policy, ++_sequence), $"{sourceName}: removing policy {policy.Direction.ToString().ToLowerInvariant()} {policy.Selector}", errors));
        }

        foreach (SecurityAssociation sa in statesToDelete)
        {
            removed += Count(Send(channel, PfKeyRequests.Delete(sa, ++_sequence), $"{sourceName}: removing SA {sa.Id}", errors));
        }

        foreach (ReadOnlyMemory<byte> request in statesToAdd)
        {
            added += Count(Send(channel, request.Span, $"{sourceName}: adding an SA", errors));
        }

        foreach (byte[] request in policiesToAdd)
        {
            added += Count(Send(channel, request, $"{sourceName}: adding a policy", errors));
        }

        _ownedStates = [.. desired.States.Keys];
        _ownedPolicies = [.. desired.Policies.Keys];
        return new ConfigurationOutcome(errors, false, added, removed, kept);
    }

    private static bool Send(IPfKeyChannel channel, ReadOnlySpan<byte> request, string what, List<string> errors)
    {
        (PfKeyErrno errno, PfKeyDiagnostic diagnostic) = PfKeyRequests.Send(channel, request);
        if (errno == PfKeyErrno.None)
        {
            return true;
        }

        errors.Add($"{what} refused: {errno} ({diagnostic})");
        return false;
    }

    private static int Count(bool done) => done ? 1 : 0;

    /// <summary>The SAs and policies a scratch run ended with, each with the request of the statement that made it.</summary>
    private sealed class DesiredState
    {
        private readonly Dictionary<object, ReadOnlyMemory<byte>> _madeBy = new(ReferenceEqualityComparer.Instance);

        public Dictionary<SaId, (SecurityAssociation State, ReadOnlyMemory<byte> Request)> States { get; } = [];

        public Dictionary<PolicyKey, (SecurityPolicy Policy, ReadOnlyMemory<byte> Request)> Policies { get; } = [];

        /// <summary>Notes the objects that appeared in the scratch databases since <paramref name="before"/>: this request made them.</summary>
        public void Record(XfrmEngine scratch, HashSet<object> before, ReadOnlyMemory<byte> request)
        {
            foreach (object item in scratch.States.Dump().Cast<object>().Concat(scratch.Policies.Dump()))
            {
                if (!before.Contains(item))
                {
                    _madeBy[item] = request;
                }
            }
        }

        /// <summary>Takes what the scratch run ended with.</summary>
        public void Finish(XfrmEngine scratch)
        {
            foreach (SecurityAssociation sa in scratch.States.Dump())
            {
                if (_madeBy.TryGetValue(sa, out ReadOnlyMemory<byte> request))
                {
                    States[sa.Id] = (sa, request);
                }
            }

            foreach (SecurityPolicy policy in scratch.Policies.Dump())
            {
                if (_madeBy.TryGetValue(policy, out ReadOnlyMemory<byte> request))
                {
                    Policies[PolicyKey.Of(policy)] = (policy, request);
                }
            }
        }
    }
}
