namespace SecureChat.Crypto.Tests.Vectors;

/// <summary>
/// Finds the shared published test vectors (../shared/vectors beside the repository, or $SECURECHAT_VECTORS).
/// They are never copied into the repository.
/// </summary>
internal static class TestVectors
{
    public const string EnvironmentVariable = "SECURECHAT_VECTORS";

    public const string MissingAdvice =
        "Published test vectors not found. Set SECURECHAT_VECTORS to the vectors folder, or place the team's " +
        "shared/ folder beside the repository (../shared/vectors); see README.md, 'Test vectors'.";

    private static readonly Lazy<string?> Root = new(Locate);

    /// <summary>The vectors folder, or null when it cannot be found.</summary>
    public static string? Directory => Root.Value;

    /// <summary>True when vector tests must fail rather than skip without the vectors (as CI does).</summary>
    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The full path of a vector file; throws (so the test fails loudly) if it is missing.</summary>
    public static string PathOf(string relativePath)
    {
        string root = Directory ?? throw new FileNotFoundException(MissingAdvice);
        string path = Path.Combine(root, relativePath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Vector file {relativePath} is missing from {root}.", path);
        }

        return path;
    }

    private static string? Locate()
    {
        string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            // Taken as given even if it points nowhere: PathOf then fails loudly instead of skipping.
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "vectors");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>
/// A fact over the shared vectors: skipped with the reason when they are absent on a developer's machine,
/// run (and so failing) when they are absent under CI=true.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class VectorFactAttribute : FactAttribute
{
    public VectorFactAttribute()
    {
        if (TestVectors.Directory is null && !TestVectors.Required)
        {
            Skip = TestVectors.MissingAdvice;
        }
    }
}

/// <summary>A theory over the shared vectors, skipped or failing as <see cref="VectorFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class VectorTheoryAttribute : TheoryAttribute
{
    public VectorTheoryAttribute()
    {
        if (TestVectors.Directory is null && !TestVectors.Required)
        {
            Skip = TestVectors.MissingAdvice;
        }
    }
}
