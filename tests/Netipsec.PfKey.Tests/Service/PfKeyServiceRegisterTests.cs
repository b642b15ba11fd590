using Netipsec.Crypto;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;

namespace Netipsec.PfKey.Tests.Service;

public sealed class PfKeyServiceRegisterTests
{
    private readonly ServiceHarness _harness = new();

    [Fact]
    public void EspRegisterListsEverySupportedAlgorithmWithItsIdIvAndKeyBits()
    {
        _harness.Succeeds(Build(MessageType.Register, SaType.Esp, 3));

        PfKeyMessage reply = Parse(Assert.Single(_harness.Sender.Received));
        Assert.Equal(MessageType.Register, reply.Header.Type);
        Assert.Equal(SaType.Esp, reply.Header.SaType);
        Assert.Equal(3u, reply.Header.Sequence);
        Assert.Equal(Expected(PfKeyAlgorithmSpace.Authentication), Listed(reply, ExtensionType.SupportedAuth));
        Assert.Equal(Expected(PfKeyAlgorithmSpace.Encryption), Listed(reply, ExtensionType.SupportedEncrypt));

        // Spot checks against the algorithms' RFCs and Linux's sadb_alg values.
        Assert.Contains(new SupportedAlgorithm(12, 8, 128, 256), Listed(reply, ExtensionType.SupportedEncrypt)); // AES-CBC, RFC 3602
        Assert.Contains(new SupportedAlgorithm(20, 8, 128, 256), Listed(reply, ExtensionType.SupportedEncrypt)); // AES-GCM-16, RFC 4106
        Assert.Contains(new SupportedAlgorithm(5, 0, 256, 256), Listed(reply, ExtensionType.SupportedAuth)); // HMAC-SHA-256, RFC 4868
        Assert.True(_harness.Sender.Client.IsRegisteredFor(SaType.Esp));
        Assert.False(_harness.Sender.Client.IsRegisteredFor(SaType.Ah));
    }

    [Fact]
    public void AhRegisterListsOnlyAuthenticationAndIpcompNeither()
    {
        _harness.Succeeds(Build(MessageType.Register, SaType.Ah, 1));
        PfKeyMessage ah = Parse(_harness.Sender.Received[^1]);
        Assert.Equal(Expected(PfKeyAlgorithmSpace.Authentication), Listed(ah, ExtensionType.SupportedAuth));
        Assert.False(ah.Contains(ExtensionType.SupportedEncrypt));

        _harness.Succeeds(Build(MessageType.Register, SaType.IpComp, 2));
        byte[] ipcomp = _harness.Sender.Received[^1];
        Assert.Equal(PfKeyHeader.Length, ipcomp.Length);
        Assert.True(_harness.Sender.Client.IsRegisteredFor(SaType.IpComp));
    }

    [Fact]
    public void UnspecifiedRegisterListsBothAndRegistersNothing()
    {
        _harness.Succeeds(Build(MessageType.Register, SaType.Unspecified, 1));

        PfKeyMessage reply = Parse(_harness.Sender.Received[^1]);
        Assert.NotEmpty(Listed(reply, ExtensionType.SupportedAuth));
        Assert.NotEmpty(Listed(reply, ExtensionType.SupportedEncrypt));
        Assert.False(_harness.Sender.Client.IsRegistered);
    }

    [Fact]
    public void TheReplyAlsoReachesOtherRegisteredClientsButNotUnregisteredOnes()
    {
        _harness.Succeeds(Build(MessageType.Register, SaType.Esp, 1));
        Assert.Empty(_harness.Other.Received);

        Assert.Equal(PfKeyResult.Success, _harness.Service.Process(_harness.Other.Client, Build(MessageType.Register, SaType.Ah, 2)));

        byte[] copy = _harness.Sender.Received[^1];
        Assert.Equal(_harness.Other.Received[^1], copy);
        Assert.Equal(SaType.Ah, Parse(copy).Header.SaType);
    }

    [Fact]
    public void RegisteringATypeTwiceIsExists()
    {
        _harness.Succeeds(Build(MessageType.Register, SaType.Esp, 1));
        _harness.Fails(Build(MessageType.Register, SaType.Esp, 2), PfKeyErrno.Exists, PfKeyDiagnostic.None);
        Assert.True(_harness.Sender.Client.IsRegisteredFor(SaType.Esp));
    }

    [Fact]
    public void TheListsFollowTheEspTransformsCryptoEngines()
    {
        var types = new Transforms.XfrmTypeRegistry(new Transforms.Esp.EspTransform([new GcmOnlyEngine()]), Transforms.Ah.AhTransform.Instance);
        var service = new PfKeyService(new Engine.XfrmEngine(TimeProvider.System, types));
        var client = new RecordingClient(1);
        Assert.Equal(PfKeyResult.Success, service.Process(client.Client, Build(MessageType.Register, SaType.Esp, 1)));

        PfKeyMessage reply = Parse(Assert.Single(client.Received));
        Assert.Equal([18, 19, 20], Listed(reply, ExtensionType.SupportedEncrypt).Select(a => (int)a.Id));
        Assert.False(reply.Contains(ExtensionType.SupportedAuth));
    }

    [Fact]
    public void WithoutAnEspTransformTheListsAreEmpty()
    {
        var service = new PfKeyService(new Engine.XfrmEngine(TimeProvider.System, new Transforms.XfrmTypeRegistry(Transforms.Ah.AhTransform.Instance)));
        var client = new RecordingClient(1);
        Assert.Equal(PfKeyResult.Success, service.Process(client.Client, Build(MessageType.Register, SaType.Esp, 1)));

        Assert.Equal(PfKeyHeader.Length, Assert.Single(client.Received).Length);
    }

    private static List<SupportedAlgorithm> Expected(PfKeyAlgorithmSpace space) =>
        AlgorithmTable.GetRegisterEntries(space, [PortableCryptoEngine.Instance])
            .Select(e => new SupportedAlgorithm(e.Id, e.IvLength, e.MinBits, e.MaxBits))
            .ToList();

    private static List<SupportedAlgorithm> Listed(PfKeyMessage message, ExtensionType type)
    {
        var listed = new List<SupportedAlgorithm>();
        if (message.TryGetSupported(type, out SupportedExtension supported))
        {
            for (int i = 0; i < supported.Count; i++)
            {
                listed.Add(supported[i]);
            }
        }

        return listed;
    }
}
