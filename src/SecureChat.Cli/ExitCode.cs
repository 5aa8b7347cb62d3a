namespace SecureChat.Cli;

/// <summary>
/// The process exit codes, documented in the README. The apps issue adds one per failure class
/// (connection lost, authentication failed, protocol violation, timeout, peer refused).
/// </summary>
public static class ExitCode
{
    /// <summary>The conversation ended normally.</summary>
    public const int Success = 0;

    /// <summary>The feature asked for is not built yet (sysexits.h EX_UNAVAILABLE).</summary>
    public const int Unavailable = 69;
}
