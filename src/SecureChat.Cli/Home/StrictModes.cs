// OpenSSH's StrictModes for the files that decide whom we trust: the home folder, identity.pem, known_peers
// and the PSK file must belong to this user (or root) and must not be writable by group or others, since
// whoever can write them chooses our key, our peers or our PSK. The owner is checked as well as the write
// bits (a file another user owns can be made writable by them at any time), and the home folder too.
// The owner comes from statx(2), Linux's fixed-layout stat; elsewhere only the mode is checked.
using System.Globalization;
using System.Runtime.InteropServices;

namespace SecureChat.Cli.Home;

/// <summary>Checks owner and mode of a trusted file or folder, and says the exact command that fixes it.</summary>
public static class StrictModes
{
    private const int AtFdCwd = -100;
    private const uint StatxMode = 0x2;
    private const uint StatxUid = 0x8;
    private const int StatxUidOffset = 20;
    private const int StatxModeOffset = 28;
    private const int StatxSize = 256;

    /// <summary>
    /// Why <paramref name="path"/> cannot be trusted, ending with the command to run; null when it can (or
    /// does not exist yet: we create what is missing owner-only).
    /// </summary>
    public static string? Problem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsWindows() || !Path.Exists(path))
        {
            return null;
        }

        string quoted = Commands.AppInvocation.ShellWord(path);
        string chmod = $"chmod {(Directory.Exists(path) ? "700" : "600")} {quoted}"; // as the app creates them
        if (OperatingSystem.IsLinux() && Owner(path) is { } owner)
        {
            uint me = GetEffectiveUserId();
            if (owner != me && owner != 0)
            {
                return $"{path} belongs to another user (uid {owner.ToString(CultureInfo.InvariantCulture)}), and whoever owns it decides whom you trust. " +
                    $"Check what it holds, then run: chown {me.ToString(CultureInfo.InvariantCulture)} {quoted} && {chmod}";
            }
        }

        UnixFileMode mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0 ? null :
            $"{path} may be changed by other users (mode 0{Convert.ToString((int)mode & 0x1FF, 8)}), and whoever can change it decides whom you trust. " +
            $"Check what it holds, then run: {chmod}";
    }

    private static uint? Owner(string path)
    {
        byte[] buffer = new byte[StatxSize];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxUid | StatxMode, buffer) != 0)
            {
                return null; // gone meanwhile, or not ours to see: the read that follows reports it
            }
        }
        catch (EntryPointNotFoundException)
        {
            return null; // a libc without statx (before glibc 2.28): the mode check still runs
        }

        return BitConverter.ToUInt32(buffer, StatxUidOffset) is var uid && BitConverter.ToUInt16(buffer, StatxModeOffset) != 0 ? uid : null;
    }

    // DllImport, not LibraryImport: the generated marshalling needs unsafe code, which this project does not allow.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "geteuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint GetEffectiveUserId();
}
