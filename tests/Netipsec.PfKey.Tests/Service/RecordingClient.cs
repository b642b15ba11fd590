using Netipsec.PfKey.Service;

namespace Netipsec.PfKey.Tests.Service;

/// <summary>A client whose outbox keeps a copy of every message.</summary>
internal sealed class RecordingClient
{
    public RecordingClient(int id) => Client = new PfKeyClient(id, message => Received.Add(message.ToArray()));

    public PfKeyClient Client { get; }

    public List<byte[]> Received { get; } = [];
}
