using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Tests.Service;

/// <summary>Reads an EPROP back as plain lists: one list of descriptors per extended combination.</summary>
internal static class EpropReading
{
    public static List<List<AlgorithmDescriptor>> Combinations(PfKeyMessage message, out byte replayWindow)
    {
        Assert.True(message.TryGetEprop(out EpropExtension eprop));
        replayWindow = eprop.ReplayWindow;
        var combinations = new List<List<AlgorithmDescriptor>>();
        foreach (EpropEntry entry in eprop.Combinations)
        {
            var descriptors = new List<AlgorithmDescriptor>();
            for (int i = 0; i < entry.Combination.AlgorithmCount; i++)
            {
                descriptors.Add(entry[i]);
            }

            Assert.Equal(86400UL, entry.Combination.HardAddTime); // af_key.c's proposal lifetimes.
            combinations.Add(descriptors);
        }

        return combinations;
    }
}
