using System.Globalization;

namespace Ipc.Lab.Native;

/// <summary>A System V shared memory segment as /proc/sysvipc/shm lists it. <see cref="Mode"/> holds the
/// permission bits and the kernel's state bits above them (01000: removed but still attached).</summary>
internal sealed record SharedMemorySegmentRow(int Key, int Id, int Mode, long Size, int CreatorPid, long Attached, uint Uid);

/// <summary>A System V semaphore set as /proc/sysvipc/sem lists it.</summary>
internal sealed record SemaphoreSetRow(int Key, int Id, int Mode, int Semaphores, uint Uid, long OTime);

/// <summary>A System V message queue as /proc/sysvipc/msg lists it.</summary>
internal sealed record MessageQueueRow(int Key, int Id, int Mode, long Bytes, long Messages, uint Uid);

/// <summary>The kernel's lists of System V objects, /proc/sysvipc/{shm,sem,msg} — what `ipcs` reads. Every
/// object of the machine is listed, whoever created it. Columns are found by the names in each file's header
/// line, which differ between the three files and have grown over kernel versions, never by position.</summary>
internal static class SysVIpcTable
{
    public static IReadOnlyList<SharedMemorySegmentRow> SharedMemory() => Read("/proc/sysvipc/shm", ParseSharedMemory);

    public static IReadOnlyList<SemaphoreSetRow> SemaphoreSets() => Read("/proc/sysvipc/sem", ParseSemaphoreSets);

    public static IReadOnlyList<MessageQueueRow> MessageQueues() => Read("/proc/sysvipc/msg", ParseMessageQueues);

    public static IReadOnlyList<SharedMemorySegmentRow> ParseSharedMemory(IReadOnlyList<string> lines) =>
        Parse(lines, r => new SharedMemorySegmentRow(r.Int("key"), r.Int("shmid"), r.Mode(), r.Long("size"), r.Int("cpid"), r.Long("nattch"), r.UInt("uid")));

    public static IReadOnlyList<SemaphoreSetRow> ParseSemaphoreSets(IReadOnlyList<string> lines) =>
        Parse(lines, r => new SemaphoreSetRow(r.Int("key"), r.Int("semid"), r.Mode(), r.Int("nsems"), r.UInt("uid"), r.Long("otime")));

    public static IReadOnlyList<MessageQueueRow> ParseMessageQueues(IReadOnlyList<string> lines) =>
        Parse(lines, r => new MessageQueueRow(r.Int("key"), r.Int("msqid"), r.Mode(), r.Long("cbytes"), r.Long("qnum"), r.UInt("uid")));

    private static IReadOnlyList<T> Read<T>(string path, Func<IReadOnlyList<string>, IReadOnlyList<T>> parse) => parse(File.ReadAllLines(path));

    private static List<T> Parse<T>(IReadOnlyList<string> lines, Func<Row, T> make)
    {
        if (lines.Count == 0) throw new FormatException("A /proc/sysvipc file without its header line.");
        var header = Words(lines[0]);
        var columns = header.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index, StringComparer.Ordinal);
        var rows = new List<T>();
        foreach (var line in lines.Skip(1))
        {
            var fields = Words(line);
            // A line is written whole; a short one is not an object (an empty last line).
            if (fields.Length < header.Length) continue;
            rows.Add(make(new Row(columns, fields)));
        }
        return rows;
    }

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>One line's fields, read by column name.</summary>
    private readonly record struct Row(Dictionary<string, int> Columns, string[] Fields)
    {
        private string this[string column] => Columns.TryGetValue(column, out int i)
            ? Fields[i]
            : throw new FormatException($"/proc/sysvipc has no column \"{column}\" on this kernel.");

        public int Int(string column) => int.Parse(this[column], CultureInfo.InvariantCulture);

        public long Long(string column) => long.Parse(this[column], CultureInfo.InvariantCulture);

        public uint UInt(string column) => uint.Parse(this[column], CultureInfo.InvariantCulture);

        /// <summary>"perms" is printed in octal.</summary>
        public int Mode() => Convert.ToInt32(this["perms"], 8);
    }
}
