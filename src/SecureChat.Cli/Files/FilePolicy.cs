namespace SecureChat.Cli.Files;

/// <summary>What governs files in a conversation: where they go and how large they may be.</summary>
/// <param name="AcceptInto">The folder for received files (--accept-files); scripts refuse offers without it.</param>
/// <param name="MaxFileSize">The largest file accepted, in bytes.</param>
public sealed record FilePolicy(string? AcceptInto, long MaxFileSize)
{
    /// <summary>Where /accept saves without --accept-files (the downloads folder's SecureChat); null: nowhere.</summary>
    public string? DefaultFolder { get; init; }

    /// <summary>
    /// Whether the user is asked about each offer (/accept, /reject): a person at a terminal is; a script
    /// has said yes in advance with --accept-files, or refuses every offer without it.
    /// </summary>
    public bool AskBeforeAccepting { get; init; }

    /// <summary>The mode of received files (--file-mode): owner-only unless the user says otherwise.</summary>
    public UnixFileMode FileMode { get; init; } = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>At most this many partial files per peer (--max-partial-files); older ones make room.</summary>
    public int MaxPartialFiles { get; init; } = 8;

    /// <summary>Partial files of one peer beyond this many bytes make room by age (--max-partial-bytes).</summary>
    public long MaxPartialBytes { get; init; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Partial files untouched this long are removed at start-up.</summary>
    public TimeSpan MaxPartialAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The home folder that <c>~</c> stands for in paths typed at the prompt.</summary>
    public string? Home { get; init; } = PromptPath.Home();

    /// <summary>The folder received files go to: --accept-files, else the default one.</summary>
    public string? Folder => AcceptInto ?? DefaultFolder;
}
