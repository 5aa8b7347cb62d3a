namespace SecureChat.Crypto.Tests;

/// <summary>Small, obvious edits of byte strings for the tampering tests.</summary>
internal static class Tampering
{
    /// <summary>A copy of <paramref name="data"/> with bit <paramref name="bitIndex"/> (0 = lowest bit of byte 0) inverted.</summary>
    public static byte[] FlipBit(byte[] data, int bitIndex)
    {
        byte[] copy = (byte[])data.Clone();
        copy[bitIndex / 8] ^= (byte)(1 << (bitIndex % 8));
        return copy;
    }

    /// <summary><paramref name="first"/> followed by <paramref name="second"/>.</summary>
    public static byte[] Concat(byte[] first, byte[] second) => [.. first, .. second];
}
