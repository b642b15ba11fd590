using System.CommandLine;

namespace Netipsec.Cli.Pcap;

/// <summary>The <c>pcap</c> command: <c>decrypt</c> and <c>encrypt</c> subcommands over classic pcap files.</summary>
internal static class PcapCommand
{
    public static Command Create()
    {
        var pcap = new Command("pcap", "Decrypt or encrypt the IPsec traffic of a capture (classic libpcap, Ethernet or raw IP)");
        pcap.Subcommands.Add(Subcommand(
            "decrypt",
            "Replace each ESP/AH/IPComp packet by what the SAs recover (replays and bad packets are reported)",
            "setkey(8) file with the SAs (add statements)",
            PcapTool.Operation.Decrypt));
        pcap.Subcommands.Add(Subcommand(
            "encrypt",
            "Transform the packets that match an outbound policy with its SAs, sequence numbers from 1",
            "setkey(8) file with the SAs and outbound policies (add and spdadd statements)",
            PcapTool.Operation.Encrypt));
        return pcap;
    }

    private static Command Subcommand(string name, string description, string keysDescription, PcapTool.Operation operation)
    {
        var keys = new Option<FileInfo>("--keys", "-k") { Description = keysDescription, Required = true };
        var input = new Argument<FileInfo>("IN") { Description = "The capture to read" };
        var output = new Argument<FileInfo>("OUT") { Description = "The capture to write (microsecond, little-endian pcap)" };
        var command = new Command(name, description) { keys, input, output };
        command.SetAction(result => PcapTool.Run(
            operation,
            result.GetValue(keys)!.FullName,
            result.GetValue(input)!.FullName,
            result.GetValue(output)!.FullName,
            result.InvocationConfiguration.Error));
        return command;
    }
}
