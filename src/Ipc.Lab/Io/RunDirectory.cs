using Ipc.Lab.Native;

namespace Ipc.Lab.Io;

/// <summary>A private folder for the named objects a run creates (FIFOs, socket files, the list of its kernel objects): /tmp/ipc-lab-UID/,
/// mode 0700, each entry prefixed with the pid of its creator. What a killed run left behind is removed by
/// its guardian; whatever still remains is removed the next time a run starts, which says so.</summary>
public static class RunDirectory
{
    private static readonly Lazy<string> Dir = new(Prepare);

    public static string Path => Dir.Value;

    /// <summary>A fresh path in the run directory for an object called <paramref name="name"/>.</summary>
    public static string NewPath(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains('/'))
            throw new ArgumentException($"'{name}' is not a valid name: use letters, digits, '-' or '_', without '/'.", nameof(name));
        // A child names its entries after the run (the notebook's pid) too, so that the run's guardian, which
        // removes the run's prefix, also removes what a child made before they were both killed.
        var owner = RunOwner is int run ? $"{run}-c{Environment.ProcessId}" : $"{Environment.ProcessId}";
        return System.IO.Path.Combine(Path, $"{owner}-{name}");
    }

    /// <summary>In a child: the pid of the notebook's process whose run this child belongs to (set by the child
    /// host before the body runs). Null in the notebook's own process.</summary>
    internal static int? RunOwner { get; set; }

    /// <summary>The prefix of this process's entries, for the guardian's clean-up.</summary>
    internal static string OwnPrefix => System.IO.Path.Combine(Path, $"{Environment.ProcessId}-");

    private static string Prepare()
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"ipc-lab-{Tmds.Linux.LibC.getuid()}");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        RemoveLeftovers(dir);
        return dir;
    }

    /// <summary>What a start does, again: for a test that kills a run and its guardian.</summary>
    internal static void RemoveLeftovers() => RemoveLeftovers(Path);

    private static void RemoveLeftovers(string dir)
    {
        var removed = new List<string>();
        var objects = new List<string>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
        {
            var name = System.IO.Path.GetFileName(entry);
            int dash = name.IndexOf('-');
            if (dash <= 0 || !int.TryParse(name[..dash], out int pid) || Sys.ProcessExists(pid)) continue;
            // A killed run whose guardian died too left its kernel objects listed here: remove them first.
            if (name.EndsWith("-objects", StringComparison.Ordinal)) objects.AddRange(ObjectRegistry.RemoveLeftObjects(entry));
            try
            {
                // A folder (a scratch folder a cell made, e.g. for a core dump) goes with what is in it.
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
                removed.Add(name);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        objects.AddRange(ObjectRegistry.RemoveUnlistedPosixObjects());
        if (objects.Count > 0)
            Console.Error.WriteLine($"Ipc.Lab: removed {objects.Count} kernel object(s) left by runs that were killed: {string.Join(", ", objects)}");
        if (removed.Count > 0)
            Console.Error.WriteLine($"Ipc.Lab: removed {removed.Count} object(s) left in {dir} by runs that were killed: {string.Join(", ", removed)}");
    }
}
