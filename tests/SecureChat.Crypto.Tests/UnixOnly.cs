namespace SecureChat.Crypto.Tests;

/// <summary>A fact about Unix file permissions: skipped on Windows, where key files have no mode bits.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file permissions only.";
        }
    }
}

/// <summary>A theory about Unix file permissions: skipped on Windows.</summary>
public sealed class UnixTheoryAttribute : TheoryAttribute
{
    public UnixTheoryAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file permissions only.";
        }
    }
}
