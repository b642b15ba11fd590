using System.Globalization;
using Netipsec.Crypto.IntelIpsecMb;
using Netipsec.Engine;
using Netipsec.PfKey.Service;

namespace Netipsec.Cli.Pcap;

/// <summary>
/// An in-process IPsec engine configured the one way Netipsec configures anything: PF_KEY requests executed by a
/// <see cref="PfKeyService"/> (SAs, policies, flushes), as setkey would send them to the daemon.
/// </summary>
internal sealed class KeyedEngine
{
    private KeyedEngine(XfrmEngine engine) => Engine = engine;

    /// <summary>The engine whose SAD and SPD the requests filled.</summary>
    public XfrmEngine Engine { get; }

    /// <summary>
    /// Runs <paramref name="requests"/> in order on a fresh engine; false with one message per refused request
    /// ("line N: errno (diagnostic)") when any was refused.
    /// </summary>
    public static bool TryCreate(IEnumerable<KeyRequest> requests, out KeyedEngine keyed, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var engine = new XfrmEngine(TimeProvider.System, CryptoEngines.CreateRegistry());
        var service = new PfKeyService(engine);
        // Replies and broadcast copies are of no use here: the result of each request is its PfKeyResult.
        var client = new PfKeyClient(1, static _ => { });
        service.Attach(client);
        var refusals = new List<string>();
        foreach (KeyRequest request in requests)
        {
            PfKeyResult result = service.Process(client, request.Message.Span);
            if (!result.IsSuccess)
            {
                refusals.Add(string.Create(CultureInfo.InvariantCulture, $"line {request.Line}: PF_KEY refused the request: {result.Errno} ({result.Diagnostic})"));
            }
        }

        keyed = new KeyedEngine(engine);
        errors = refusals;
        return refusals.Count == 0;
    }
}
