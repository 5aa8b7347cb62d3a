// The file-transfer options of the chat.
using System.CommandLine;

namespace SecureChat.Cli.Commands;

internal sealed partial class ChatCommand
{
    /// <summary>--send: files to offer once connected.</summary>
    public Option<string[]> SendFile { get; private set; } = null!;

    /// <summary>--accept-files: where received files go (and, in scripts, whether offers are accepted at all).</summary>
    public Option<string?> AcceptFiles { get; private set; } = null!;

    /// <summary>--max-file-size: the largest file accepted.</summary>
    public Option<long?> MaxFileSize { get; private set; } = null!;

    /// <summary>--file-mode.</summary>
    public Option<UnixFileMode?> FileMode { get; private set; } = null!;

    /// <summary>--max-partial-files.</summary>
    public Option<int?> MaxPartialFiles { get; private set; } = null!;

    /// <summary>--max-partial-bytes.</summary>
    public Option<long?> MaxPartialBytes { get; private set; } = null!;

    /// <summary>A receive folder option (--accept-files), for the chat and for peers forget, with its own description.</summary>
    internal static Option<string?> ReceiveFolderOption(string description, bool mustExist)
    {
        var option = new Option<string?>("--accept-files") { Description = description, HelpName = "DIR" };
        if (!mustExist)
        {
            return option;
        }

        option.Validators.Add(r =>
        {
            if (ChatOptions.ValueOr<string?>(r, null) is { } folder && !Directory.Exists(folder))
            {
                r.AddError($"{option.Name}: there is no folder {folder}.");
            }
        });
        return option;
    }

    private void AddFileOptions()
    {
        Option<string[]> send = new("--send")
        {
            Description = "Offer this file to the peer once connected (repeatable). At a terminal you can also type /send PATH.",
            HelpName = "PATH",
            AllowMultipleArgumentsPerToken = false,
        };
        send.Validators.Add(r =>
        {
            foreach (string path in ChatOptions.ValueOr<string[]?>(r, null) ?? [])
            {
                if (!File.Exists(path))
                {
                    r.AddError($"{send.Name}: there is no file {path}.");
                }
            }
        });
        SendFile = send;
        AcceptFiles = ReceiveFolderOption("The folder for files the peer sends. Scripts accept offers into it (without it they refuse them); at a terminal /accept saves there (default: $XDG_DOWNLOAD_DIR/SecureChat, else ~/Downloads/SecureChat, never the current folder). It must be yours, not a symbolic link, and not writable by other users (checked at start-up: exit 78 otherwise).", mustExist: true);
        MaxFileSize = ChatOptions.Size("--max-file-size", "Refuse files larger than this, before and during the transfer: bytes, or with KB, MB, GB, TB, KiB, MiB, GiB or TiB (default 16GiB).", allowZero: true);
        Option<UnixFileMode?> mode = new("--file-mode")
        {
            Description = "The permissions of received files, in octal, never executable (default 600: only you can read them; 640 or 644 to share).",
            HelpName = "OCTAL",
        };
        mode.CustomParser = r =>
        {
            string text = ChatOptions.Token(r);
            if (text.Length is >= 3 and <= 4 && text.All(c => c is >= '0' and <= '7'))
            {
                int bits = Convert.ToInt32(text, 8);
                // You can read and write it; nothing received is ever made executable.
                if (bits <= 0x1FF && (bits & 0x180) == 0x180 && (bits & 0x49) == 0)
                {
                    return (UnixFileMode)bits;
                }
            }

            r.AddError($"{mode.Name} must be octal permissions that let you read and write and make nothing executable, such as 600, 640 or 644.");
            return null;
        };
        FileMode = mode;
        MaxPartialFiles = ChatOptions.OptionalInteger("--max-partial-files", 1, int.MaxValue, "Keep at most this many unfinished (partial) received files per peer; older ones make room (default 8).", "must be at least 1.");
        MaxPartialFiles.HelpName = "N";
        MaxPartialBytes = ChatOptions.Size("--max-partial-bytes", "When a peer's partial files hold this much, the oldest make room for a new one (default 8GiB).", allowZero: false);
    }
}
