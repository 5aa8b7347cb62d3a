using System.Security.Cryptography;
using SecureChat.Crypto.Tests.Vectors;

namespace SecureChat.Crypto.Tests.Agreement;

/// <summary>Why the platform's ML-KEM tests cannot run here, or null when they can.</summary>
internal static class PlatformMlKem
{
    public static string? SkipReason =>
        MLKem.IsSupported
            ? null
            : "System.Security.Cryptography.MLKem is not supported on this machine (MLKem.IsSupported is false: " +
              "it needs OpenSSL 3.5 or later, or Windows with ML-KEM in CNG); SecureChat uses BouncyCastle's ML-KEM " +
              "here, which the other tests cover.";
}

/// <summary>A fact about the platform's ML-KEM: skipped with the reason where MLKem.IsSupported is false.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class PlatformMlKemFactAttribute : FactAttribute
{
    public PlatformMlKemFactAttribute()
    {
        Skip = PlatformMlKem.SkipReason;
    }
}

/// <summary>
/// A vector fact about the platform's ML-KEM: fails under CI=true without the vectors (as
/// <see cref="VectorFactAttribute"/>), and is skipped with the reason where MLKem.IsSupported is false.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class PlatformMlKemVectorFactAttribute : FactAttribute
{
    public PlatformMlKemVectorFactAttribute()
    {
        if (TestVectors.Directory is null && !TestVectors.Required)
        {
            Skip = TestVectors.MissingAdvice;
        }
        else
        {
            Skip = PlatformMlKem.SkipReason;
        }
    }
}
