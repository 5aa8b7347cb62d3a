using SecureChat.Crypto.Protection;

namespace SecureChat.Crypto.Tests.Vectors;

/// <summary>
/// BLAKE2b through our wrapper over BouncyCastle: the official keyed BLAKE2b-512 known answers
/// (blake2/blake2b-kat.txt) and RFC 7693's Appendix A and Appendix E self-test, the only published value
/// that covers keyed BLAKE2b with the 32-byte output SecureChat uses.
/// </summary>
public sealed class Blake2bVectorTests(ITestOutputHelper output)
{
    [VectorFact]
    public void Blake2Kat_KeyedBlake2b512_All256CasesMatch()
    {
        string[] lines = File.ReadAllLines(TestVectors.PathOf(Path.Combine("blake2", "blake2b-kat.txt")));
        var fields = lines.Where(l => l.Contains(':', StringComparison.Ordinal))
            .Select(l => l.Split(':', 2))
            .Select(p => (Name: p[0].Trim(), Value: Convert.FromHexString(p[1].Trim())))
            .ToArray();
        fields.Length.Should().Be(3 * 256, "the file holds 256 blocks of in/key/hash");

        int run = 0;
        for (int i = 0; i < fields.Length; i += 3)
        {
            fields[i].Name.Should().Be("in");
            fields[i + 1].Name.Should().Be("key");
            fields[i + 2].Name.Should().Be("hash");
            byte[] digest = new byte[64];
            Blake2b.Hash(fields[i + 1].Value, fields[i].Value, default, default, digest);
            digest.Should().Equal(fields[i + 2].Value, $"KAT with a {fields[i].Value.Length}-byte input");
            run++;
        }

        output.WriteLine($"blake2b-kat.txt: {run} cases run");
    }

    [VectorFact]
    public void Rfc7693AppendixA_Blake2b512OfAbc_Matches()
    {
        var test = VectorFile.ReadRfc("blake2bRfc7693").Single(t => t.GetProperty("tcId").GetInt32() == 1);
        byte[] digest = new byte[64];
        Blake2b.Hash(default, test.Hex("msg"), default, default, digest);
        digest.Should().Equal(test.Hex("digest"));
    }

    [VectorFact]
    public void Rfc7693AppendixE_SelfTestGrandHash_Matches()
    {
        var test = VectorFile.ReadRfc("blake2bRfc7693").Single(t => t.GetProperty("tcId").GetInt32() == 2);
        using var grand = new MemoryStream();
        foreach (int outlen in new[] { 20, 32, 48, 64 })
        {
            foreach (int inlen in new[] { 0, 3, 128, 129, 255, 1024 })
            {
                byte[] input = SelfTestSequence(inlen, (uint)inlen);
                byte[] md = new byte[outlen];
                Blake2b.Hash(default, input, default, default, md);
                grand.Write(md);

                byte[] key = SelfTestSequence(outlen, (uint)outlen);
                Blake2b.Hash(key, input, default, default, md);
                grand.Write(md);
            }
        }

        byte[] result = new byte[32];
        Blake2b.Hash(default, grand.ToArray(), default, default, result);
        result.Should().Equal(test.Hex("digest"));
    }

    /// <summary>RFC 7693 Appendix E, selftest_seq: a Fibonacci-like byte sequence.</summary>
    private static byte[] SelfTestSequence(int length, uint seed)
    {
        byte[] output = new byte[length];
        uint a = unchecked(0xDEAD4BAD * seed);
        uint b = 1;
        for (int i = 0; i < length; i++)
        {
            uint t = unchecked(a + b);
            a = b;
            b = t;
            output[i] = (byte)(t >> 24);
        }

        return output;
    }

    [Fact]
    public void Blake2b256Mac_AgreesWithCPythonHashlib()
    {
        // Cross-check against an implementation we did not write, as SOURCE.md advises. Computed with
        // CPython 3.11.7: hashlib.blake2b(msg, key=key, digest_size=32).hexdigest() where, for each
        // (keyLength, msgLength) below, key[i] = (7*i + 1) % 256 and msg[i] = (13*i + keyLength) % 256.
        (int KeyLength, int MessageLength, string Tag)[] cases = CPythonBlake2b256;
        foreach (var (keyLength, messageLength, tag) in cases)
        {
            byte[] key = Enumerable.Range(0, keyLength).Select(i => (byte)(((7 * i) + 1) % 256)).ToArray();
            byte[] msg = Enumerable.Range(0, messageLength).Select(i => (byte)(((13 * i) + keyLength) % 256)).ToArray();
            byte[] computed = new byte[32];
            MacAlgorithm.Blake2b256.Compute(key, msg, computed);
            Convert.ToHexStringLower(computed).Should().Be(tag, $"key {keyLength} bytes, message {messageLength} bytes");
            MacAlgorithm.Blake2b256.Verify(key, msg, Convert.FromHexString(tag)).Should().BeTrue();
        }

        cases.Should().HaveCount(30);
    }

    private static readonly (int, int, string)[] CPythonBlake2b256 =
    [
        (1, 0, "39baa6ec1392eb910204adfac63cbd8561c2a78c0834d9a2fe5e549bbc80bd5f"),
        (1, 1, "a78695c2a0f881364d8396602fff10b12a2895f288cf055a0e441c38faa941ea"),
        (1, 127, "4364e76e9594cfbc31f9dadb755cf1586452b546a2d009c148e55e7947822ef6"),
        (1, 128, "641e93b1f613853f9218ead5fa0629b8126862f343030123a76d7f6f84bd82c1"),
        (1, 129, "625b1f9444eaa6f5fcd1eaf2fac36450e8f28ca2805d98ac708f2b4d3211a24b"),
        (1, 1024, "47f29cb1abee6424774fb35d8fc2e605808a3c1be55ea7119f0afbb92e291751"),
        (16, 0, "ddfcab779f05f31fbec4315ee81671f1c198b13fa8ae59a04d5ebefe65657205"),
        (16, 1, "887db9ccad8f3c52355e4edeb36d581a1cc155bf63c1a5c3e9bad58591c28e23"),
        (16, 127, "e5b28d9d9fe020ea0612a999488fd12d12af95b3869f1338f97c848c1df39020"),
        (16, 128, "42e64d5d7396df87e10561ff8d643ba6ce55231be592c27167e85367473386db"),
        (16, 129, "b47451a3b7abf9e00a0802be3b8f074d5f05345c706a0d7e2f74dcd184eb3d37"),
        (16, 1024, "2fbf30b19f9474e2b9c4463d7c7a0e323efa90d835477753bb5592197da8d105"),
        (32, 0, "1a509340bb1a9e6fe32e9346d17b13c75462909918b4543b44b2bd42f965c492"),
        (32, 1, "e615fb3169ea0ce7ef023756ecde8c650ed0c9cde5ed33b4c8911c5411f38894"),
        (32, 127, "e00a79183e6602449520fa7ce5b46aa5eae56b4a23be0cf6924118b72c3400e2"),
        (32, 128, "7201f38eac02d5112289b645a9ddc029be42440939036ab45b3fbbdaeb015149"),
        (32, 129, "c0677d9ec935d81fd901785e6786d246043c5695ca7f6f949f142a7e340355c5"),
        (32, 1024, "9d45faa9d8665e6249d478779963d135d740a7e4bcfb48e6437416d2dcad747f"),
        (33, 0, "abae0c7d2dd81c86744c03d4c1acc6db1b1dfd9f374d5ed6c5eda197ea427694"),
        (33, 1, "b72301a2c030395f72a513ddbadd60775fa4780b5fe8f98d6fd481331e83024a"),
        (33, 127, "fc609e2b64d01a2c0f426c395be915ed73f38dd73c988710657bd7ddcffe5726"),
        (33, 128, "1708471910f7a6fd42cf34a44b569a3bd0ca1aed61f7b28582e47609f518d526"),
        (33, 129, "6c83706ac8b07be8c608120e0e241c7f6df8166a2f2f4139806b9b4d1fd84db6"),
        (33, 1024, "59c876db7f90debce1890d3a5a64673e236e59dfcb81ddf4eec73bf18f40f07c"),
        (64, 0, "ad6601f48530fd1e1391f5511e40e8964ecbed15ea59deb9c57d4b1115f7ca26"),
        (64, 1, "97e2f02ba2cc436755aff56e3a5b3c2b947f1edffddec0c51dbbd782a7273a00"),
        (64, 127, "5af01c46ea0a8464b6627ffae840d37e27b3f74332ee00fe91a303630de323ec"),
        (64, 128, "1b54d1a5cd86c5443970c02b2f90e1fab327e5d2bfdc307d63c87665936853bb"),
        (64, 129, "b17c672b7550bfb7e4901f2b57955544ed195ce2c5ed940e7ad903f0465c4f54"),
        (64, 1024, "6204d5ba8a9c6b027d2c7c85005977ccd6d3bcd323d7ff770a25c87aa423119c"),
    ];
}
