using System.Buffers.Binary;
using CsCheck;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;
using Netipsec.Tests.States;
using Netipsec.Tests.Transforms.Esp;
using Netipsec.Tests.Transforms.Modes;
using Netipsec.Transforms;
using Netipsec.Transforms.Ah;
using Netipsec.Transforms.Esp;
using Netipsec.Transforms.IpComp;
using Netipsec.Transforms.Modes;

namespace Netipsec.Tests.Engine;

/// <summary>
/// The fused ESP tunnel paths (<see cref="EspTunnelOutput"/>, <see cref="EspTunnelInput"/>) against the general steps
/// they stand in for (mode, sequence number, transform, accounting, mode again), run on twin SAs with the same keys,
/// SPI, addresses, padding and first IV: same drop reasons, bytes (the outer identification aside), marks, sequence
/// numbers and lifetime accounting.
/// </summary>
public sealed class EspTunnelFastPathTests
{
    private const uint Spi = 0x5150;
    private const int OuterLength = Ipv4Header.MinLength;
    private const int IdentificationOffset = 4;
    private static readonly IpAddress Ipv6GatewayA = IpAddress.Parse("2001:db8:113::1");
    private static readonly IpAddress Ipv6GatewayB = IpAddress.Parse("2001:db8:113::2");

    // Counter-IV suites give byte-identical twins; the CBC suites' random IVs are compared once opened (Comparable).
    private static readonly EspSuite[] Suites =
    [
        .. EspSuite.All.Where(s => s.Name is "aes-gcm-16/256" or "aes-ccm-8/128" or "chacha20-poly1305" or "null-aes-gmac/128"
            or "aes-ctr/192+hmac-sha256" or "null+hmac-sha1" or "aes-cbc/128+hmac-sha1" or "3des-cbc+hmac-md5"),
    ];

    private static readonly EspSuite Gcm = Suites[0];

    /// <summary>Inner packets that break the rules the fused output reads the inner header by.</summary>
    public static TheoryData<string, byte[]> MalformedInners => new()
    {
        { "empty", [] },
        { "version 5", [.. Ipv4(payloadLength: 8).Select((b, i) => i == 0 ? (byte)0x55 : b)] },
        { "IHL 4", [.. Ipv4(payloadLength: 8).Select((b, i) => i == 0 ? (byte)0x44 : b)] },
        { "IPv4 shorter than its header", Ipv4(payloadLength: 8)[..19] },
        { "IPv4 total length beyond the buffer", Ipv4(payloadLength: 30)[..40] },
        { "IPv4 total length below its header", WithTotalLength(Ipv4(payloadLength: 8), 19) },
        { "IPv6 shorter than its header", Ipv6(payloadLength: 8)[..39] },
        { "IPv6 payload length beyond the buffer", Ipv6(payloadLength: 30)[..60] },
    };

    [Fact]
    public void The_fused_paths_take_ipv4_esp_tunnels_without_nat_traversal_and_output_also_without_tfc_padding()
    {
        SecurityAssociation plain = SaShape.Default.Prepared();
        SecurityAssociation padded = SaShape.Default.Prepared(tfcPadding: 1);

        Assert.True(EspTunnelOutput.Handles(plain) && EspTunnelInput.Handles(plain));
        Assert.True(!EspTunnelOutput.Handles(padded) && EspTunnelInput.Handles(padded));
    }

    [Fact]
    public void Output_gives_what_the_general_steps_give_for_any_inner_packet()
    {
        Gen.Select(SaShape.Gen, GenInner.Array[1, 4]).Sample(
            (shape, inners) =>
            {
                Twin fused = new(shape);
                Twin general = new(shape);
                foreach (byte[] inner in inners)
                {
                    AssertSameOutput(fused.Output(inner, EspTunnelOutput.Output), general.Output(inner, XfrmOutput.OutputOne));
                }

                AssertSameState(fused.Sa, general.Sa);
            },
            iter: 300);
    }

    [Fact]
    public void Output_over_an_ipv6_outer_header_gives_what_the_general_steps_give_and_opens_as_they_do()
    {
        Gen.Select(SaShape.Gen, GenInner.Array[1, 3]).Sample(
            (anyShape, inners) =>
            {
                SaShape shape = anyShape with { Ipv6Outer = true };
                Assert.True(EspTunnelOutput.Handles(shape.Prepared()) && EspTunnelInput.Handles(shape.Prepared()));
                Twin fused = new(shape);
                Twin general = new(shape);
                foreach (byte[] inner in inners)
                {
                    OutputResult sent = fused.Output(inner, EspTunnelOutput.Output);
                    AssertSameOutput(sent, general.Output(inner, XfrmOutput.OutputOne));
                    if (sent.Reason == DropReason.None)
                    {
                        Assert.Equal(GeneralInput(shape.Prepared(), sent.Wire, sent.Sequence), FusedInput(shape.Prepared(), sent.Wire, sent.Sequence));
                    }
                }

                AssertSameState(fused.Sa, general.Sa);
            },
            iter: 150);
    }

    [Theory]
    [MemberData(nameof(MalformedInners))]
    public void A_malformed_inner_packet_is_a_mode_error_on_both_paths_and_takes_no_sequence_number_or_iv(string shape, byte[] inner)
    {
        var sa = new SaShape(Gcm, EspPadding.Sequential, ExtendedSequenceNumbers: false, InitialSequence: 0, FirstIv: 77);
        Twin fused = new(sa);
        Twin general = new(sa);

        OutputResult fusedDrop = fused.Output(inner, EspTunnelOutput.Output);
        AssertSameOutput(fusedDrop, general.Output(inner, XfrmOutput.OutputOne));
        Assert.True(fusedDrop.Reason == DropReason.OutStateModeError, $"{shape}: {fusedDrop.Reason}");

        byte[] valid = Ipv4(payloadLength: 12);
        OutputResult fusedNext = fused.Output(valid, EspTunnelOutput.Output);
        AssertSameOutput(fusedNext, general.Output(valid, XfrmOutput.OutputOne));
        Assert.Equal((1ul, 77ul), (fusedNext.Sequence, SentIv(fusedNext)));
        AssertSameState(fused.Sa, general.Sa);
    }

    [Fact]
    public void A_larval_sa_is_invalid_on_both_paths()
    {
        SecurityAssociation larval = SaShape.Default.Prepared();
        Assert.Equal(SaState.Larval, larval.State);
        var engine = new XfrmEngine(SadTestData.NewClock(), XfrmTypeRegistry.CreateDefault());

        Assert.Equal(DropReason.OutStateInvalid, RunOnce(engine, larval, Ipv4(payloadLength: 8), EspTunnelOutput.Output));
        Assert.Equal(DropReason.OutStateInvalid, RunOnce(engine, larval, Ipv4(payloadLength: 8), XfrmOutput.OutputOne));
    }

    [Fact]
    public void A_deleted_sa_is_expired_on_both_paths()
    {
        Twin fused = new(SaShape.Default);
        Twin general = new(SaShape.Default);
        Assert.Equal(SadStatus.Ok, fused.Engine.States.Delete(fused.Sa.Id));
        Assert.Equal(SadStatus.Ok, general.Engine.States.Delete(general.Sa.Id));

        OutputResult fusedDrop = fused.Output(Ipv4(payloadLength: 8), EspTunnelOutput.Output);

        AssertSameOutput(fusedDrop, general.Output(Ipv4(payloadLength: 8), XfrmOutput.OutputOne));
        Assert.Equal(DropReason.OutStateExpired, fusedDrop.Reason);
    }

    [Fact]
    public void A_dying_sa_still_sends_on_both_paths()
    {
        var shape = SaShape.Default with { Soft = new LifetimeLimits { Packets = 1 } };
        Twin fused = new(shape);
        Twin general = new(shape);

        for (int i = 0; i < 2; i++)
        {
            OutputResult sent = fused.Output(Ipv4(payloadLength: 8), EspTunnelOutput.Output);
            AssertSameOutput(sent, general.Output(Ipv4(payloadLength: 8), XfrmOutput.OutputOne));
            Assert.Equal(DropReason.None, sent.Reason);
        }

        Assert.Equal(SaState.Dying, fused.Sa.State);
        AssertSameState(fused.Sa, general.Sa);
    }

    [Theory]
    [InlineData(false, (ulong)uint.MaxValue)]
    [InlineData(true, ulong.MaxValue)]
    public void An_exhausted_sequence_counter_is_a_sequence_error_on_both_paths_and_makes_the_sa_dying(bool esn, ulong lastUsed)
    {
        var shape = SaShape.Default with { ExtendedSequenceNumbers = esn, InitialSequence = lastUsed };
        Twin fused = new(shape);
        Twin general = new(shape);

        OutputResult fusedDrop = fused.Output(Ipv4(payloadLength: 8), EspTunnelOutput.Output);

        AssertSameOutput(fusedDrop, general.Output(Ipv4(payloadLength: 8), XfrmOutput.OutputOne));
        Assert.Equal(DropReason.OutStateSeqError, fusedDrop.Reason);
        Assert.Equal(SaState.Dying, fused.Sa.State);
        AssertSameState(fused.Sa, general.Sa);
    }

    [Fact]
    public void An_exhausted_iv_counter_is_a_sequence_error_on_both_paths_after_the_sequence_number_was_taken()
    {
        var shape = SaShape.Default with { FirstIv = ulong.MaxValue - 1 };
        Twin fused = new(shape);
        Twin general = new(shape);

        OutputResult[] fusedResults = [.. Enumerable.Range(0, 2).Select(_ => fused.Output(Ipv4(payloadLength: 8), EspTunnelOutput.Output))];
        OutputResult[] generalResults = [.. Enumerable.Range(0, 2).Select(_ => general.Output(Ipv4(payloadLength: 8), XfrmOutput.OutputOne))];

        Assert.Equal([DropReason.None, DropReason.OutStateSeqError], fusedResults.Select(r => r.Reason));
        AssertSameOutput(fusedResults[0], generalResults[0]);
        AssertSameOutput(fusedResults[1], generalResults[1]);
        Assert.Equal(2ul, fused.Sa.SequenceCounter!.Current);
        AssertSameState(fused.Sa, general.Sa);
    }

    [Fact]
    public void The_largest_inner_packet_that_fits_goes_out_on_both_paths_and_one_byte_more_is_a_mode_error()
    {
        // AES-GCM over IPv4: 20 + 8 + 8 + 16 bytes around the payload, padded to 4: 65478 + 2 ends a unit, 65532 in all.
        foreach ((int innerLength, DropReason expected) in new[] { (65478, DropReason.None), (65479, DropReason.OutStateModeError) })
        {
            Twin fused = new(SaShape.Default);
            Twin general = new(SaShape.Default);
            byte[] inner = Ipv4(payloadLength: innerLength - Ipv4Header.MinLength);

            OutputResult fusedResult = fused.Output(inner, EspTunnelOutput.Output);

            AssertSameOutput(fusedResult, general.Output(inner, XfrmOutput.OutputOne));
            Assert.Equal(expected, fusedResult.Reason);
            AssertSameState(fused.Sa, general.Sa);
        }
    }

    [Fact]
    public void Link_padding_behind_the_largest_inner_packet_that_fits_stops_neither_path()
    {
        // AES-CBC over IPv4: 20 + 8 + 16 + 12 bytes around the payload, padded to 16: 65470 + 2 ends a block, 65528 in all.
        // Sized with the link padding (65471 bytes, 15 bytes of ESP padding), the packet would seem too long: the general
        // steps used to refuse it (OutStateModeError). CBC's random IVs make the bytes differ, so lengths are compared.
        var shape = SaShape.Default with { Suite = Suites.Single(s => s.Name == "aes-cbc/128+hmac-sha1") };
        Twin fused = new(shape);
        Twin general = new(shape);
        byte[] padded = [.. Ipv4(payloadLength: 65470 - Ipv4Header.MinLength), 0xEE];

        OutputResult fusedSent = fused.Output(padded, EspTunnelOutput.Output);
        OutputResult generalSent = general.Output(padded, XfrmOutput.OutputOne);

        foreach ((OutputResult sent, Twin twin) in new[] { (fusedSent, fused), (generalSent, general) })
        {
            Assert.Equal((DropReason.None, 65528), (sent.Reason, sent.Wire.Length));
            Assert.Equal((65470ul + OuterLength + 24, 1ul), (twin.Sa.Current.Bytes, twin.Sa.Current.Packets));
        }
    }

    [Fact]
    public void Input_gives_what_the_general_steps_give_for_any_esp_packet()
    {
        Gen.Select(SaShape.Gen, GenInner, Gen.Enum<Crafted>(), Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 64], Gen.Int[0, int.MaxValue]).Sample(
            (shape, innerWithPadding, crafted, outerEcn, outerOptionWords, tfcLength, position) =>
            {
                byte[] inner = WithoutLinkPadding(innerWithPadding);
                SecurityAssociation sender = shape.Prepared();
                ulong sequence = shape.InitialSequence + 1;
                var outer = new OuterHeader((byte)outerEcn, outerOptionWords * 4);
                byte[] wire = Craft(sender, sequence, outer, inner, crafted, tfcLength, position);

                InputResult fused = FusedInput(shape.Prepared(), wire, sequence);
                InputResult general = GeneralInput(shape.Prepared(), wire, sequence);

                Assert.Equal(general, fused);
                Assert.Equal(Expected(crafted, shape.Padding, inner, outerEcn), (fused.Transform, fused.Mode));
                if (fused.Mode == ModeStatus.Ok)
                {
                    Assert.Equal(inner.Length, fused.Bytes.Length / 2);
                }
            },
            iter: 400);
    }

    [Fact]
    public void A_dummy_packet_is_accounted_without_its_esp_header_and_trailer_on_both_paths()
    {
        SecurityAssociation sender = SaShape.Default.Prepared();
        byte[] wire = Craft(sender, 1, new OuterHeader(0, 0), Ipv4(payloadLength: 40), Crafted.Dummy, tfcLength: 0, position: 0);

        InputResult fused = FusedInput(SaShape.Default.Prepared(), wire, 1);
        InputResult general = GeneralInput(SaShape.Default.Prepared(), wire, 1);

        Assert.Equal(TransformStatus.Dummy, general.Transform);
        Assert.Equal(OuterLength + 60, fused.Accounted);
        Assert.Equal(fused.Accounted, general.Accounted);
    }

    [Fact]
    public void Through_the_engine_a_fused_sa_and_its_general_twin_send_and_count_the_same_traffic()
    {
        // TFC padding of 1 byte sends the twin down the general path and pads nothing: every inner packet is longer.
        var shape = SaShape.Default with { InitialSequence = uint.MaxValue - 5, Soft = new LifetimeLimits { Packets = 3 } };
        Sender fused = new(shape, tfcPadding: 0);
        Sender general = new(shape, tfcPadding: 1);
        Assert.True(EspTunnelOutput.Handles(fused.Sa) && !EspTunnelOutput.Handles(general.Sa));
        byte[][] traffic =
        [
            HostPacket(payloadLength: 0, typeOfService: 0xB8, dontFragment: true),
            HostPacket(payloadLength: 700, typeOfService: 0x03, dontFragment: false),
            HostPacket(payloadLength: 1460, typeOfService: 0x01, dontFragment: false), // fragmented after encapsulation
            HostPacket(payloadLength: 1470, typeOfService: 0x02, dontFragment: true), // too big: ICMP back
            [.. HostPacket(payloadLength: 33, typeOfService: 0x2A, dontFragment: true), 0, 0, 0], // link padding
            .. Enumerable.Range(0, 4).Select(i => HostPacket(payloadLength: 100 + i, typeOfService: 0, dontFragment: true)), // runs out of sequence numbers
        ];

        XfrmVerdict[] fusedVerdicts = [.. traffic.Select(fused.Send)];
        XfrmVerdict[] generalVerdicts = [.. traffic.Select(general.Send)];

        Assert.Equal(generalVerdicts, fusedVerdicts);
        Assert.Equal(6, fused.Sink.Transmitted.Count); // five packets, one of them in two fragments
        Assert.Equal(general.Sink.Transmitted.Select(WithoutIdentification), fused.Sink.Transmitted.Select(WithoutIdentification));
        Assert.All(fused.Sink.Transmitted, wire => Assert.True(ChecksumVerifies(wire)));
        Assert.Equal((1, 1), (fused.Sink.ReturnedToSender, general.Sink.ReturnedToSender));
        Assert.Equal(general.Engine.Statistics.Snapshot(), fused.Engine.Statistics.Snapshot());
        Assert.Equal((1L, 3L), (fused.Engine.Statistics[DropReason.OutError], fused.Engine.Statistics[DropReason.OutStateSeqError]));
        AssertSameState(fused.Sa, general.Sa);
        Assert.Equal((SaState.Dying, 5ul), (fused.Sa.State, fused.Sa.Current.Packets));
        Assert.Equal(
            (general.Policy.Current.Bytes, general.Policy.Current.Packets),
            (fused.Policy.Current.Bytes, fused.Policy.Current.Packets));
    }

    [Fact]
    public void Through_the_engine_the_fused_input_accounts_and_counts_what_the_general_steps_give()
    {
        var shape = SaShape.Default;
        Sender sender = new(shape, tfcPadding: 0);
        byte[][] inners = [.. Enumerable.Range(0, 5).Select(i => HostPacket(payloadLength: 37 * i, typeOfService: (byte)i, dontFragment: true))];
        Assert.All(inners, inner => Assert.Equal(XfrmVerdict.Passed, sender.Send(inner)));
        byte[][] wire = [.. sender.Sink.Transmitted];
        byte[] flipped = (byte[])wire[3].Clone();
        flipped[^1] ^= 0x01;
        SecurityAssociation crafter = shape.Prepared();
        byte[] dummy = Craft(crafter, 6, new OuterHeader(0, 0), inners[1], Crafted.Dummy, tfcLength: 0, position: 0);
        byte[] congested = Craft(crafter, 7, new OuterHeader(EcnTunneling.Ce, 0), inners[0], Crafted.Valid, tfcLength: 0, position: 0); // over Not-ECT
        (byte[] Wire, ulong Sequence)[] accounted = [(wire[0], 1), (wire[1], 2), (wire[2], 3), (wire[4], 5), (dummy, 6), (congested, 7)];
        byte[][] received = [wire[0], wire[1], wire[1], flipped, wire[2], wire[4], dummy, congested];
        var receiver = new Receiver(shape);

        XfrmVerdict[] verdicts = [.. received.Select(receiver.Receive)];

        Assert.Equal(
            [XfrmVerdict.Passed, XfrmVerdict.Passed, XfrmVerdict.Dropped, XfrmVerdict.Dropped, XfrmVerdict.Passed, XfrmVerdict.Passed, XfrmVerdict.Dummy, XfrmVerdict.Dropped],
            verdicts);
        Assert.Equal([inners[0], inners[1], inners[2], inners[4]], receiver.Delivered);
        ulong expectedBytes = (ulong)accounted.Sum(packet => GeneralInput(shape.Prepared(), packet.Wire, packet.Sequence).Accounted);
        Assert.Equal((expectedBytes, 6ul), (receiver.Sa.Current.Bytes, receiver.Sa.Current.Packets));
        Assert.Equal((1L, 1L), (receiver.Sa.Statistics[SaCounter.Replay], receiver.Sa.Statistics[SaCounter.IntegrityFailures]));
        long[] expectedDrops = new long[receiver.Engine.Statistics.Snapshot().Length];
        expectedDrops[(int)DropReason.InStateSeqError] = 1;
        expectedDrops[(int)DropReason.InStateProtoError] = 1;
        expectedDrops[(int)DropReason.InStateModeError] = 1;
        Assert.Equal(expectedDrops, receiver.Engine.Statistics.Snapshot());
    }

    /// <summary>The shapes of ESP packet the input test builds (<see cref="Craft"/>).</summary>
    public enum Crafted
    {
        Valid,
        TfcPadding,
        FlippedByte,
        BadPaddingByte,
        PadLengthTooBig,
        Dummy,
        WrongInnerVersion,
        TruncatedInner,
        NotIpNextHeader,
    }

    /// <summary>IPv4 (random type of service, DF, options, payload length from 0) or IPv6 inner packets, sometimes with link padding.</summary>
    private static Gen<byte[]> GenInner { get; } =
        Gen.Select(Gen.Bool, Gen.Byte, Gen.Bool, Gen.OneOf(Gen.Int[0, 3], Gen.Int[0, 1500]), Gen.Int[0, 10], Gen.Byte.Array[0, 20], Gen.Int)
            .Select((v4, trafficClass, dontFragment, payloadLength, optionWords, linkPadding, seed) =>
            {
                byte[] payload = new byte[payloadLength];
                new Random(seed).NextBytes(payload);
                byte[] packet = v4
                    ? ModeTestData.Ipv4(IpProtocol.Udp, trafficClass, dontFragment, optionWords == 0 ? null : ModeTestData.Options(optionWords * 4), payload)
                    : ModeTestData.Ipv6(IpProtocol.Udp, trafficClass, seed & 0xFFFFF, payload);
                return (byte[])[.. packet, .. linkPadding];
            });

    private static DropReason RunOnce(XfrmEngine engine, SecurityAssociation sa, byte[] inner, Func<XfrmEngine, SecurityAssociation, Packet, DropReason> output)
    {
        PacketPool pool = ModeTestData.NewPool();
        Packet packet = ModeTestData.Rent(pool, inner);
        DropReason reason = output(engine, sa, packet);
        pool.Return(packet);
        return reason;
    }

    private static void AssertSameOutput(OutputResult fused, OutputResult general)
    {
        Assert.Equal(general.Reason, fused.Reason);
        Assert.Equal(general.Sequence, fused.Sequence);
        if (fused.Reason != DropReason.None)
        {
            return;
        }

        Assert.True(ChecksumVerifies(fused.Wire), "the fused header checksum verifies");
        Assert.True(ChecksumVerifies(general.Wire), "the general header checksum verifies");
        Assert.Equal(general.Marks, fused.Marks);
        Assert.Equal(Comparable(general), Comparable(fused));
    }

    private static void AssertSameState(SecurityAssociation fused, SecurityAssociation general) =>
        Assert.Equal(
            (general.State, general.SequenceCounter?.Current, general.Current.Bytes, general.Current.Packets),
            (fused.State, fused.SequenceCounter?.Current, fused.Current.Bytes, fused.Current.Packets));

    // An IPv6 outer header has no checksum.
    private static bool ChecksumVerifies(byte[] wire) =>
        wire[0] >> 4 == 6 || new Ipv4Header(wire).ComputeChecksum() == new Ipv4Header(wire).Checksum;

    /// <summary>The outer packet without an IPv4 identification and checksum, which differ between any two packets.</summary>
    private static string WithoutIdentification(byte[] wire)
    {
        byte[] copy = (byte[])wire.Clone();
        if (wire[0] >> 4 == 4)
        {
            copy.AsSpan(IdentificationOffset, 2).Clear();
            copy.AsSpan(Ipv4Header.ChecksumOffset, 2).Clear();
        }

        return Convert.ToHexString(copy);
    }

    /// <summary>
    /// What both paths must agree on byte for byte: the packet without identification and checksum; for a random-IV
    /// suite, with the ESP part opened in place (which checks the ICV) and IV and ICV cleared.
    /// </summary>
    private static string Comparable(OutputResult result)
    {
        var state = (EspState)result.Sa.TypeState!;
        byte[] copy = Convert.FromHexString(WithoutIdentification(result.Wire));
        if (result.Sa.Encryption!.Id is EspSuite.AesCbc or EspSuite.TripleDesCbc)
        {
            int outerLength = TunnelMode.OuterLength(result.Sa.Destination.Version);
            Span<byte> esp = copy.AsSpan(outerLength, copy.Length - outerLength - state.IcvLength);
            Span<byte> icv = copy.AsSpan(copy.Length - state.IcvLength);
            Assert.Equal(TransformStatus.Ok, state.Open(esp, result.Sequence, icv));
            esp.Slice(EspHeader.FixedLength, state.IvLength).Clear();
            icv.Clear();
        }

        return Convert.ToHexString(copy);
    }

    private static ulong SentIv(OutputResult result) => BinaryPrimitives.ReadUInt64BigEndian(result.Wire.AsSpan(OuterLength + EspHeader.FixedLength));

    /// <summary>
    /// An ESP tunnel packet of <paramref name="sender"/> whose plaintext is shaped by <paramref name="crafted"/>: the
    /// inner packet, TFC zeros, ESP padding, pad length and next header, sealed as the transform would.
    /// </summary>
    private static byte[] Craft(SecurityAssociation sender, ulong sequence, OuterHeader outer, byte[] inner, Crafted crafted, int tfcLength, int position)
    {
        var state = (EspState)sender.TypeState!;
        IpProtocol nextHeader = crafted switch
        {
            Crafted.Dummy => IpProtocol.NoNextHeader,
            Crafted.NotIpNextHeader => IpProtocol.Udp,
            Crafted.WrongInnerVersion => inner[0] >> 4 == 4 ? IpProtocol.Ipv6 : IpProtocol.IpInIp,
            _ => inner[0] >> 4 == 4 ? IpProtocol.IpInIp : IpProtocol.Ipv6,
        };
        byte[] payload = crafted switch
        {
            Crafted.TfcPadding => [.. inner, .. new byte[tfcLength]],
            Crafted.TruncatedInner => inner[..^(1 + (position % Math.Min(inner.Length, 40)))],
            Crafted.PadLengthTooBig => inner[..Math.Min(inner.Length, 200)],
            _ => inner,
        };
        int paddingLength = EspTrailer.PaddingLength(payload.Length, state.Alignment);
        if (crafted == Crafted.BadPaddingByte)
        {
            paddingLength += state.Alignment; // at least one padding byte to spoil
        }

        byte[] plaintext = [.. payload, .. Enumerable.Range(1, paddingLength).Select(b => (byte)b), (byte)paddingLength, (byte)nextHeader];
        if (crafted == Crafted.BadPaddingByte)
        {
            plaintext[payload.Length + (position % paddingLength)] ^= 0x80;
        }
        else if (crafted == Crafted.PadLengthTooBig)
        {
            plaintext[^2] = byte.MaxValue;
        }

        int outerLength = OuterLength + outer.OptionsLength;
        int headerLength = EspHeader.FixedLength + state.IvLength;
        byte[] wire = new byte[outerLength + headerLength + plaintext.Length + state.IcvLength];
        _ = new Ipv4Header(wire)
        {
            Version = 4,
            HeaderLength = outerLength,
            TotalLength = (ushort)wire.Length,
            TimeToLive = 64,
            Protocol = IpProtocol.Esp,
            Source = sender.Source,
            Destination = sender.Destination,
        };
        wire[Ipv4Header.TypeOfServiceOffset] = outer.Ecn;
        if (outer.OptionsLength > 0)
        {
            ModeTestData.Options(outer.OptionsLength).CopyTo(wire, OuterLength);
        }

        new Ipv4Header(wire).UpdateChecksum();
        Span<byte> esp = wire.AsSpan(outerLength, headerLength + plaintext.Length);
        BinaryPrimitives.WriteUInt32BigEndian(esp, sender.Spi);
        BinaryPrimitives.WriteUInt32BigEndian(esp[EspHeader.SequenceNumberOffset..], (uint)sequence);
        Assert.True(state.TryWriteIv(esp.Slice(EspHeader.IvOffset, state.IvLength)));
        plaintext.CopyTo(esp[headerLength..]);
        Assert.Equal(TransformStatus.Ok, state.Seal(esp, sequence, wire.AsSpan(outerLength + esp.Length)));
        if (crafted == Crafted.FlippedByte)
        {
            wire[outerLength + (position % (wire.Length - outerLength))] ^= 0x01;
        }

        return wire;
    }

    /// <summary>The statuses the general steps must give: the transform's, then (when it passed) the mode's.</summary>
    private static (TransformStatus, ModeStatus?) Expected(Crafted crafted, EspPadding padding, byte[] inner, int outerEcn)
    {
        int innerTrafficClass = inner[0] >> 4 == 4 ? inner[Ipv4Header.TypeOfServiceOffset] : ((inner[0] & 0x0F) << 4) | (inner[1] >> 4);
        ModeStatus decapsulated = EcnTunneling.Decapsulate(innerTrafficClass & 0x03, outerEcn) == EcnTunneling.Drop ? ModeStatus.EcnDrop : ModeStatus.Ok;
        return crafted switch
        {
            Crafted.FlippedByte => (TransformStatus.IntegrityFailed, null),
            Crafted.BadPaddingByte when padding == EspPadding.Sequential => (TransformStatus.Malformed, null),
            Crafted.PadLengthTooBig => (TransformStatus.Malformed, null),
            Crafted.Dummy => (TransformStatus.Dummy, null),
            Crafted.WrongInnerVersion or Crafted.TruncatedInner or Crafted.NotIpNextHeader => (TransformStatus.Ok, ModeStatus.Malformed),
            _ => (TransformStatus.Ok, decapsulated),
        };
    }

    private static InputResult FusedInput(SecurityAssociation sa, byte[] wire, ulong sequence) =>
        Input(wire, packet =>
        {
            TransformStatus status = EspTransform.Open(sa, packet, (uint)(sequence >> 32), out EspPlaintext plaintext);
            return (status, plaintext.LengthWithoutEsp, status == TransformStatus.Ok ? EspTunnelInput.Decapsulate(packet, plaintext) : null);
        });

    private static InputResult GeneralInput(SecurityAssociation sa, byte[] wire, ulong sequence) =>
        Input(wire, packet =>
        {
            TransformStatus status = EspTransform.Instance.Input(sa, packet, (uint)(sequence >> 32));
            int accounted = packet.Length;
            return (status, accounted, status == TransformStatus.Ok ? XfrmModes.Input(sa, packet) : null);
        });

    /// <summary>Parses <paramref name="wire"/> as XfrmInput does, runs one path and records what it left.</summary>
    private static InputResult Input(byte[] wire, Func<Packet, (TransformStatus Status, int Accounted, ModeStatus? Mode)> path)
    {
        PacketPool pool = ModeTestData.NewPool();
        Packet packet = ModeTestData.Rent(pool, wire);
        Assert.Equal(InboundHeader.Status.Found, InboundHeader.TryParse(packet, out _));
        (TransformStatus status, int accounted, ModeStatus? mode) = path(packet);
        bool whole = status is TransformStatus.Ok or TransformStatus.Dummy;
        InputResult result = mode == ModeStatus.Ok
            ? new(status, whole ? accounted : 0, mode, Convert.ToHexString(packet.Data), packet.NetworkOffset, packet.TransportOffset, packet.InnerProtocol, packet.NextHeaderFieldOffset)
            : new(status, whole ? accounted : 0, mode, string.Empty, 0, 0, default, 0);
        pool.Return(packet);
        return result;
    }

    private static byte[] WithoutLinkPadding(byte[] packet) =>
        packet[..(packet[0] >> 4 == 4 ? BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2)) : Ipv6Header.Length + BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(4)))];

    private static byte[] Ipv4(int payloadLength, byte typeOfService = 0, bool dontFragment = false) =>
        ModeTestData.Ipv4(IpProtocol.Udp, typeOfService, dontFragment, payload: new byte[payloadLength]);

    private static byte[] Ipv6(int payloadLength) => ModeTestData.Ipv6(IpProtocol.Udp, payload: new byte[payloadLength]);

    private static byte[] WithTotalLength(byte[] packet, ushort totalLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), totalLength);
        return packet;
    }

    /// <summary>A UDP packet from host A to host B that the engine tests' tunnel policy protects.</summary>
    private static byte[] HostPacket(int payloadLength, byte typeOfService, bool dontFragment)
    {
        byte[] packet = Netipsec.Simulation.Traffic.Udp(EngineTestData.HostA, EngineTestData.HostB, 5000, 53, payloadLength, dontFragment);
        packet[Ipv4Header.TypeOfServiceOffset] = typeOfService;
        new Ipv4Header(packet).UpdateChecksum();
        return packet;
    }

    /// <summary>The outer IPv4 header of a crafted packet: its ECN field and the length of its options (a multiple of 4).</summary>
    private readonly record struct OuterHeader(byte Ecn, int OptionsLength);

    /// <summary>One output of one path: the drop reason, the sequence number it left, and the packet with its marks.</summary>
    private sealed record OutputResult(
        SecurityAssociation Sa, DropReason Reason, ulong Sequence, byte[] Wire, int NetworkOffset, int TransportOffset, IpProtocol InnerProtocol, int NextHeaderFieldOffset)
    {
        public (int, int, IpProtocol, int) Marks => (NetworkOffset, TransportOffset, InnerProtocol, NextHeaderFieldOffset);
    }

    /// <summary>One input of one path: statuses, the length the lifetime counts, and what is left of the packet (hex).</summary>
    private sealed record InputResult(
        TransformStatus Transform, int Accounted, ModeStatus? Mode, string Bytes, int NetworkOffset, int TransportOffset, IpProtocol InnerProtocol, int NextHeaderFieldOffset);

    /// <summary>An ESP tunnel SA between the engine tests' gateways, built the same way for each twin.</summary>
    private sealed record SaShape(EspSuite Suite, EspPadding Padding, bool ExtendedSequenceNumbers, ulong InitialSequence, ulong FirstIv)
    {
        public static SaShape Default { get; } = new(Gcm, EspPadding.Sequential, ExtendedSequenceNumbers: false, InitialSequence: 0, FirstIv: 0x1000);

        /// <summary>
        /// Any suite, sequential or zero padding, with or without ESN, from a new counter, close to running out or (ESN)
        /// past 2^32, the IV counter anywhere or close to running out.
        /// </summary>
        public static Gen<SaShape> Gen { get; } =
            CsCheck.Gen.Select(CsCheck.Gen.Int[0, Suites.Length - 1], CsCheck.Gen.Bool, CsCheck.Gen.Bool, CsCheck.Gen.Int[0, 2], CsCheck.Gen.OneOf(CsCheck.Gen.ULong[0, 1ul << 62], CsCheck.Gen.Const(ulong.MaxValue - 2)))
                .Select((suite, zero, esn, start, firstIv) => new SaShape(
                    Suites[suite],
                    zero ? EspPadding.Zero : EspPadding.Sequential,
                    esn,
                    start switch { 1 => uint.MaxValue - 2ul, 2 when esn => (1ul << 32) + 4, _ => 0ul },
                    firstIv));

        public LifetimeLimits Soft { get; init; }

        /// <summary>Between the gateways' IPv6 addresses instead of their IPv4 ones.</summary>
        public bool Ipv6Outer { get; init; }

        public SecurityAssociation Build(int tfcPadding = 0) =>
            new(new SaId(Ipv6Outer ? Ipv6GatewayB : EngineTestData.GatewayB, Spi, IpsecProtocol.Esp), Ipv6Outer ? Ipv6GatewayA : EngineTestData.GatewayA, XfrmMode.Tunnel)
            {
                ReqId = 1,
                Encryption = Suite.EncryptionFor(Spi),
                Authentication = Suite.AuthenticationFor(Spi),
                ReplayWindowSize = 64,
                ExtendedSequenceNumbers = ExtendedSequenceNumbers,
                InitialOutboundSequence = InitialSequence,
                Padding = Padding,
                TfcPadding = tfcPadding,
                SoftLimits = Soft,
            };

        /// <summary>The SA prepared by the transform (first IV <see cref="FirstIv"/>) but not installed: larval, no counters.</summary>
        public SecurityAssociation Prepared(int tfcPadding = 0)
        {
            SecurityAssociation sa = Build(tfcPadding);
            Assert.Equal(TransformStatus.Ok, Transform.Init(sa));
            return sa;
        }

        public EspTransform Transform => new(FirstIv);

        /// <summary>An engine whose ESP transform starts the IV counter at <see cref="FirstIv"/>.</summary>
        public XfrmEngine NewEngine() =>
            new(SadTestData.NewClock(), new XfrmTypeRegistry(Transform, AhTransform.Instance, IpCompTransform.Instance));
    }

    /// <summary>One copy of an SA, installed on an engine of its own.</summary>
    private sealed class Twin
    {
        private readonly PacketPool _pool = ModeTestData.NewPool();

        public Twin(SaShape shape)
        {
            Engine = shape.NewEngine();
            Sa = shape.Build();
            Assert.Equal(SadStatus.Ok, Engine.States.Add(Sa));
        }

        public XfrmEngine Engine { get; }

        public SecurityAssociation Sa { get; }

        /// <summary>Runs one path on a packet holding <paramref name="inner"/>, its headroom dirty, and records the result.</summary>
        public OutputResult Output(byte[] inner, Func<XfrmEngine, SecurityAssociation, Packet, DropReason> path)
        {
            Packet packet = ModeTestData.Rent(_pool, inner);
            DropReason reason = path(Engine, Sa, packet);
            ulong sequence = Sa.SequenceCounter!.Current;
            OutputResult result = reason == DropReason.None
                ? new(Sa, reason, sequence, packet.Data.ToArray(), packet.NetworkOffset, packet.TransportOffset, packet.InnerProtocol, packet.NextHeaderFieldOffset)
                : new(Sa, reason, sequence, [], 0, 0, default, 0);
            _pool.Return(packet);
            return result;
        }
    }

    /// <summary>An engine with one outbound tunnel SA and the policy that takes host A's traffic to host B through it.</summary>
    private sealed class Sender
    {
        private readonly XfrmOutput _output;
        private readonly PacketPool _pool = new(16);

        public Sender(SaShape shape, int tfcPadding)
        {
            Engine = shape.NewEngine();
            Sa = shape.Build(tfcPadding);
            Assert.Equal(SadStatus.Ok, Engine.States.Add(Sa));
            Policy = EngineTestData.Policy(PolicyDirection.Out, EngineTestData.Tunnel(IpsecProtocol.Esp, EngineTestData.GatewayA, EngineTestData.GatewayB, reqId: 1));
            Assert.Equal(SpdStatus.Ok, Engine.Policies.Add(Policy));
            _output = new XfrmOutput(Engine, Sink, new XfrmOutputOptions { LinkMtu = 1500 });
        }

        public XfrmEngine Engine { get; }

        public SecurityAssociation Sa { get; }

        public SecurityPolicy Policy { get; }

        public RecordingSink Sink { get; } = new();

        public XfrmVerdict Send(byte[] inner) => _output.Output(ModeTestData.Rent(_pool, inner));
    }

    /// <summary>An engine with the inbound copy of the tunnel SA and the policy that lets its traffic in.</summary>
    private sealed class Receiver : IXfrmInputSink
    {
        private readonly XfrmInput _input;
        private readonly PacketPool _pool = new(16);

        public Receiver(SaShape shape)
        {
            Engine = shape.NewEngine();
            Sa = shape.Build();
            Assert.Equal(SadStatus.Ok, Engine.States.Add(Sa));
            var policy = new SecurityPolicy(
                PolicyDirection.In,
                EngineTestData.HostSelector,
                PolicyAction.Ipsec,
                [EngineTestData.Tunnel(IpsecProtocol.Esp, EngineTestData.GatewayA, EngineTestData.GatewayB, reqId: 1)]);
            Assert.Equal(SpdStatus.Ok, Engine.Policies.Add(policy));
            _input = new XfrmInput(Engine, this);
        }

        public XfrmEngine Engine { get; }

        public SecurityAssociation Sa { get; }

        public List<byte[]> Delivered { get; } = [];

        public XfrmVerdict Receive(byte[] wire) => _input.Input(ModeTestData.Rent(_pool, wire));

        public void Deliver(Packet packet)
        {
            Delivered.Add(packet.Data.ToArray());
            packet.Pool.Return(packet);
        }
    }

    /// <summary>Keeps what XfrmOutput sends and counts the ICMP errors it returns.</summary>
    private sealed class RecordingSink : IXfrmOutputSink
    {
        public List<byte[]> Transmitted { get; } = [];

        public int ReturnedToSender { get; private set; }

        public void Transmit(Packet packet)
        {
            Transmitted.Add(packet.Data.ToArray());
            packet.Pool.Return(packet);
        }

        public void ReturnToSender(Packet icmpError)
        {
            ReturnedToSender++;
            icmpError.Pool.Return(icmpError);
        }
    }
}
