using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;
using Netipsec.Transforms;

namespace Netipsec.PfKey.Tests.Service;

/// <summary>Adds extensions to a request being built.</summary>
internal delegate void Extend(ref PfKeyMessageWriter writer);

/// <summary>
/// A service on a fresh engine with two attached clients: <see cref="Sender"/> sends the requests, <see cref="Other"/>
/// is another open socket. Requests are real wire messages; replies are parsed back with the wire parser.
/// </summary>
internal sealed class ServiceHarness
{
    public static readonly IpAddress Local = IpAddress.Parse("192.0.2.1");
    public static readonly IpAddress Peer = IpAddress.Parse("192.0.2.2");
    public static readonly IpAddress LocalV6 = IpAddress.Parse("2001:db8::1");

    /// <summary>AES-GCM-16 key material: 128-bit key and 32-bit salt (RFC 4106 §8.1), the SA the ESP transform installs.</summary>
    public static readonly byte[] GcmKey = Enumerable.Range(0x30, 20).Select(i => (byte)i).ToArray();

    public ServiceHarness(TimeProvider? time = null)
    {
        Engine = new XfrmEngine(time ?? TimeProvider.System, XfrmTypeRegistry.CreateDefault());
        Service = new PfKeyService(Engine);
        Sender = new RecordingClient(1);
        Other = new RecordingClient(2);
        Service.Attach(Sender.Client);
        Service.Attach(Other.Client);
    }

    public XfrmEngine Engine { get; }

    public PfKeyService Service { get; }

    public RecordingClient Sender { get; }

    public RecordingClient Other { get; }

    public static AddressExtension Address(IpAddress address, byte prefix = 0, byte protocol = IpsecConstants.UlProtoAny, ushort port = 0) =>
        new(protocol, prefix == 0 ? (byte)address.BitLength : prefix, new Sockaddr(address, port));

    /// <summary>A request of <paramref name="type"/> with whatever <paramref name="extend"/> adds.</summary>
    public static byte[] Build(MessageType type, SaType saType, uint sequence, Extend? extend = null)
    {
        var buffer = new byte[2048];
        Assert.True(PfKeyMessageWriter.TryCreate(buffer, new PfKeyHeader(type, saType, sequence, 4242), out PfKeyMessageWriter writer));
        extend?.Invoke(ref writer);
        return writer.Message.ToArray();
    }

    /// <summary>SA, SRC and DST of an ESP SA from <see cref="Local"/> to <see cref="Peer"/>.</summary>
    public static void AddIdentity(ref PfKeyMessageWriter writer, uint spi, AuthAlgorithm auth = AuthAlgorithm.None, EncryptAlgorithm encrypt = EncryptAlgorithm.AesGcmIcv16, SaFlags flags = SaFlags.None)
    {
        Assert.True(writer.TryAddSa(new SaExtension(spi, 32, SaState.Mature, auth, encrypt, flags)));
        Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(Local)));
        Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(Peer)));
    }

    /// <summary>An ADD of an installable AES-GCM-16 ESP SA, plus whatever <paramref name="extend"/> adds.</summary>
    public static byte[] EspAdd(uint spi, uint sequence = 1, Extend? extend = null, MessageType type = MessageType.Add) =>
        Build(type, SaType.Esp, sequence, (ref PfKeyMessageWriter writer) =>
        {
            AddIdentity(ref writer, spi);
            Assert.True(writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(GcmKey)));
            extend?.Invoke(ref writer);
        });

    /// <summary>SA(*), SRC and DST: the body of DELETE and GET.</summary>
    public static byte[] ById(MessageType type, uint spi, uint sequence = 1) =>
        Build(type, SaType.Esp, sequence, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa(new SaExtension(spi, 0, SaState.Larval, AuthAlgorithm.None, EncryptAlgorithm.None, SaFlags.None)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(Local)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(Peer)));
        });

    /// <summary>Sends <paramref name="request"/> and expects it to succeed.</summary>
    public void Succeeds(byte[] request)
    {
        PfKeyResult result = Service.Process(Sender.Client, request);
        Assert.Equal(PfKeyResult.Success, result);
    }

    /// <summary>
    /// Sends <paramref name="request"/>, expects exactly this refusal, and checks the error reply on the wire. Only
    /// promiscuous clients see more: <paramref name="promiscuousCopies"/> messages each (the request, the reply).
    /// </summary>
    public void Fails(byte[] request, PfKeyErrno errno, PfKeyDiagnostic diagnostic, int promiscuousCopies = 0)
    {
        int before = Sender.Received.Count;
        int otherBefore = Other.Received.Count;
        PfKeyResult result = Service.Process(Sender.Client, request);
        Assert.Equal(new PfKeyResult(errno, diagnostic), result);
        Assert.Equal(before + 1 + (Sender.Client.IsPromiscuous ? promiscuousCopies : 0), Sender.Received.Count);
        Assert.Equal(otherBefore + (Other.Client.IsPromiscuous ? promiscuousCopies : 0), Other.Received.Count);
        byte[] reply = Sender.Received[^1];
        Assert.Equal(16, reply.Length); // The base header only.
        PfKeyMessage parsed = Parse(reply);
        Assert.Equal(errno, parsed.Header.Errno);
        Assert.Equal(diagnostic, parsed.Header.Diagnostic);
        Assert.Equal(request[1], (byte)parsed.Header.Type);
        Assert.Equal(BitConverter.ToUInt32(request, 8), parsed.Header.Sequence);
    }

    public static PfKeyMessage Parse(byte[] message)
    {
        Assert.True(PfKeyMessage.TryParse(message, PfKeyOrigin.Service, out PfKeyMessage parsed, out PfKeyError error), error.ToString());
        return parsed;
    }
}
