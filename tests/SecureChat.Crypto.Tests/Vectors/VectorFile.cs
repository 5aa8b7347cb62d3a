using System.Text.Json;

namespace SecureChat.Crypto.Tests.Vectors;

/// <summary>One test case of a Wycheproof (v1 schema) file, with its group.</summary>
internal sealed record WycheproofCase(JsonElement Group, JsonElement Test)
{
    public int TcId => Test.GetProperty("tcId").GetInt32();

    public string Result => Test.GetProperty("result").GetString()!;

    public bool IsValid => Result == "valid";

    public IReadOnlyList<string> Flags =>
        Test.TryGetProperty("flags", out JsonElement flags)
            ? flags.EnumerateArray().Select(f => f.GetString()!).ToArray()
            : [];

    public byte[] Bytes(string name) => Convert.FromHexString(Test.GetProperty(name).GetString()!);

    public byte[] GroupBytes(string name) => Convert.FromHexString(Group.GetProperty(name).GetString()!);

    public int GroupInt(string name) => Group.GetProperty(name).GetInt32();

    public override string ToString() => $"tcId {TcId} ({Result}; {string.Join(", ", Flags)})";
}

/// <summary>Reads the shared vector files.</summary>
internal static class VectorFile
{
    /// <summary>All cases of a Wycheproof file, and the count its header declares.</summary>
    public static (IReadOnlyList<WycheproofCase> Cases, int Declared) ReadWycheproof(string fileName)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(TestVectors.PathOf(Path.Combine("wycheproof", fileName))));
        JsonElement root = document.RootElement.Clone();
        var cases = new List<WycheproofCase>();
        foreach (JsonElement group in root.GetProperty("testGroups").EnumerateArray())
        {
            foreach (JsonElement test in group.GetProperty("tests").EnumerateArray())
            {
                cases.Add(new WycheproofCase(group, test));
            }
        }

        return (cases, root.GetProperty("numberOfTests").GetInt32());
    }

    /// <summary>One section (for example "hmacSha256Rfc4231") of the transcribed RFC/NIST known answers.</summary>
    public static IReadOnlyList<JsonElement> ReadRfc(string section)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(TestVectors.PathOf(Path.Combine("rfc", "kat_rfc4231_sp800-38a_rfc7693.json"))));
        return document.RootElement.GetProperty(section).GetProperty("tests").EnumerateArray().Select(t => t.Clone()).ToArray();
    }

    public static byte[] Hex(this JsonElement element, string name) => Convert.FromHexString(element.GetProperty(name).GetString()!);
}

/// <summary>
/// Counts what a vector run did with each case: passed, not applicable (with the reason), or failed
/// (with the case). A run passes only if nothing failed and every declared case was counted.
/// </summary>
internal sealed class VectorTally(string file, int declared)
{
    private readonly List<string> _failures = [];
    private readonly Dictionary<string, int> _notApplicable = [];

    public int Passed { get; private set; }

    public void Pass() => Passed++;

    public void NotApplicable(string reason) =>
        _notApplicable[reason] = _notApplicable.GetValueOrDefault(reason) + 1;

    public void Fail(WycheproofCase testCase, string what) => _failures.Add($"{testCase}: {what}");

    public void Fail(string what) => _failures.Add(what);

    /// <summary>Checks one expectation, counting the case as passed or failed.</summary>
    public void Expect(bool ok, WycheproofCase testCase, string what)
    {
        if (ok)
        {
            Pass();
        }
        else
        {
            Fail(testCase, what);
        }
    }

    public string Summary =>
        $"{file}: {Passed} passed, {_notApplicable.Values.Sum()} not applicable" +
        string.Concat(_notApplicable.Select(n => $" [{n.Value}: {n.Key}]")) +
        $", {_failures.Count} failed, of {declared} declared";

    /// <summary>Writes the summary and fails the test on any failure or uncounted case.</summary>
    public void AssertComplete(ITestOutputHelper output)
    {
        output.WriteLine(Summary);
        _failures.Should().BeEmpty(Summary);
        (Passed + _notApplicable.Values.Sum() + _failures.Count).Should().Be(declared, $"every case must be counted ({Summary})");
        Passed.Should().BeGreaterThan(0, Summary);
    }
}
