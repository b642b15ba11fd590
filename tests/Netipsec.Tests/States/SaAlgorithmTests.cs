using Netipsec.States;

namespace Netipsec.Tests.States;

public sealed class SaAlgorithmTests
{
    [Fact]
    public void The_key_is_copied_so_the_caller_may_wipe_its_buffer()
    {
        byte[] key = [1, 2, 3, 4];
        var algorithm = new SaAlgorithm(12, key);

        Array.Clear(key);

        Assert.Equal(new byte[] { 1, 2, 3, 4 }, algorithm.Key.ToArray());
        Assert.Equal(32, algorithm.KeyBits);
    }

    [Theory]
    [InlineData(4, 25, true)]
    [InlineData(4, 32, true)]
    [InlineData(4, 24, false)]
    [InlineData(4, 33, false)]
    [InlineData(0, 0, true)]
    [InlineData(0, 8, false)]
    public void Key_bits_must_lie_within_the_last_key_byte(int keyBytes, int keyBits, bool accepted)
    {
        byte[] key = new byte[keyBytes];

        if (accepted)
        {
            Assert.Equal(keyBits, new SaAlgorithm(12, key, keyBits).KeyBits);
        }
        else
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new SaAlgorithm(12, key, keyBits));
        }
    }

    [Fact]
    public void HasSameKey_compares_id_bits_and_key()
    {
        var algorithm = new SaAlgorithm(12, [1, 2, 3, 4]);

        Assert.True(algorithm.HasSameKey(new SaAlgorithm(12, [1, 2, 3, 4])));
        Assert.False(algorithm.HasSameKey(new SaAlgorithm(12, [1, 2, 3, 5])));
        Assert.False(algorithm.HasSameKey(new SaAlgorithm(13, [1, 2, 3, 4])));
        Assert.False(algorithm.HasSameKey(new SaAlgorithm(12, [1, 2, 3, 4], 30)));
        Assert.False(algorithm.HasSameKey(new SaAlgorithm(12, [1, 2, 3])));
    }

    [Fact]
    public void ToString_names_the_algorithm_and_size_only()
    {
        var algorithm = new SaAlgorithm(12, [0xDE, 0xAD, 0xBE, 0xEF]);

        Assert.Equal("alg 12 (32-bit key)", algorithm.ToString());
    }
}
