using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Ipc.Lab.Native;
using Tmds.Linux;
using static Ipc.Lab.Native.LibcExtra;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Runtime;

/// <summary>Starts processes with posix_spawn(3) — never fork(): fork copies only the calling thread, so a
/// forked .NET child inherits locks that the runtime's other threads (GC, JIT, thread pool) held at that
/// moment and never release, and may hang in its first allocation. Every spawn happens on one thread that lives as long as the process, because the kernel ties
/// PR_SET_PDEATHSIG to the thread that created the child, not to the process. Children start with all signals
/// at their default action and an empty signal mask, and in the process group of the <see cref="Guardian"/>,
/// so that they die with us even when we are killed with SIGKILL.</summary>
internal static unsafe class Spawner
{
    private const int TempDescriptorFloor = 200;
    private static readonly BlockingCollection<(Func<int> Work, string What, TaskCompletionSource<int> Done)> Queue = new();
    private static readonly Lazy<Thread> Worker = new(() =>
    {
        var t = new Thread(Loop) { IsBackground = true, Name = "Ipc.Lab spawner" };
        t.Start();
        return t;
    });

    public static int Spawn(SpawnPlan plan)
    {
        LabRuntime.EnsureStarted();
        return OnSpawnerThread(() => SpawnNow(plan, plan.JoinGuardedGroup ? Guardian.EnsureGroup() : 0), $"Starting {plan.Program}");
    }

    /// <summary>Starts the guardian if it is not running: kernel objects that outlive processes are
    /// registered only once it watches over us.</summary>
    public static int EnsureGuardian() => OnSpawnerThread(Guardian.EnsureGroup, "Starting the guardian");

    private static int OnSpawnerThread(Func<int> work, string what)
    {
        _ = Worker.Value;
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Queue.Add((work, what, done));
        if (!done.Task.Wait(TimeSpan.FromSeconds(30)))
            throw new TimeoutException($"{what} waited 30 s for the spawner thread; the machine may be overloaded.");
        return done.Task.GetAwaiter().GetResult();
    }

    private static void Loop()
    {
        foreach (var (work, _, done) in Queue.GetConsumingEnumerable())
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }
    }

    /// <summary>Closes in the child every descriptor above 2 that the plan does not place. Ours are all O_CLOEXEC
    /// already; this is for what the notebook's process itself inherited without it (a shell's or a Jupyter
    /// launcher's descriptors), which would otherwise reach every child and keep their pipes open. A close of a
    /// descriptor that is not open is no error for posix_spawn (glibc fails only on one out of range).</summary>
    private static void CloseAllBut(void* actions, HashSet<int> targets)
    {
        int top = targets.Count == 0 ? 2 : Math.Max(2, targets.Max());
        for (int fd = 3; fd < top; fd++)
            if (!targets.Contains(fd))
                Check(posix_spawn_file_actions_addclose(actions, fd), NativeCall.PosixSpawnFileActionsAddClose);
        if (_closeFromWorks)
        {
            try
            {
                Check(posix_spawn_file_actions_addclosefrom_np(actions, top + 1), NativeCall.PosixSpawnFileActionsAddClose);
                return;
            }
            catch (EntryPointNotFoundException)
            {
                _closeFromWorks = false; // glibc before 2.34
            }
        }
        // Without closefrom: what is open now (a descriptor opened between this and the spawn is O_CLOEXEC:
        // only the library opens descriptors in this process while it runs).
        foreach (int fd in ProcDescriptors.Of(Environment.ProcessId) ?? [])
            if (fd > top)
                Check(posix_spawn_file_actions_addclose(actions, fd), NativeCall.PosixSpawnFileActionsAddClose);
    }

    private static bool _closeFromWorks = true;

    /// <summary>Called on the spawner thread only (the guardian is spawned from there too).</summary>
    internal static int SpawnNow(SpawnPlan plan, int processGroup)
    {
        var temps = new List<int>();
        void* actions = NativeMemory.AllocZeroed(OpaqueStructSize);
        void* attr = NativeMemory.AllocZeroed(OpaqueStructSize);
        var strings = new List<IntPtr>();
        try
        {
            Check(posix_spawn_file_actions_init(actions), NativeCall.PosixSpawnFileActionsInit);
            Check(posix_spawnattr_init(attr), NativeCall.PosixSpawnAttrInit);

            // Copy every source to a high temporary number first: dup2(fd, fd) would not clear O_CLOEXEC,
            // and a source that is also another's target would be overwritten before it is copied.
            var targets = new HashSet<int>();
            foreach (var (source, target) in plan.Descriptors)
            {
                int temp = fcntl(source, F_DUPFD_CLOEXEC, TempDescriptorFloor);
                if (temp == -1) throw Sys.Fail(NativeCall.FcntlDupCloseOnExec, $"descriptor {source} for the child's fd {target}");
                temps.Add(temp);
                Check(posix_spawn_file_actions_adddup2(actions, temp, target), NativeCall.PosixSpawnFileActionsAddDup2);
                targets.Add(target);
            }
            CloseAllBut(actions, targets);
            // Never let a child inherit our stdin/stdout/stderr: in a kernel they are the protocol channel.
            var devNull = Pin(strings, "/dev/null");
            for (int std = 0; std <= 2; std++)
                if (!targets.Contains(std))
                    Check(posix_spawn_file_actions_addopen(actions, std, (byte*)devNull, std == 0 ? O_RDONLY : O_WRONLY, 0), NativeCall.PosixSpawnFileActionsAddOpen);

            sigset_t all, none;
            sigfillset(&all);
            sigemptyset(&none);
            Check(posix_spawnattr_setsigdefault(attr, &all), NativeCall.PosixSpawnAttrSetSigDefault);
            Check(posix_spawnattr_setsigmask(attr, &none), NativeCall.PosixSpawnAttrSetSigMask);
            Check(posix_spawnattr_setpgroup(attr, processGroup), NativeCall.PosixSpawnAttrSetPGroup);
            Check(posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP), NativeCall.PosixSpawnAttrSetFlags);

            var argv = PinArray(strings, plan.Argv);
            var envp = PinArray(strings, BuildEnvironment(plan.Environment));
            int pid;
            int err = posix_spawn(&pid, (byte*)Pin(strings, plan.Program), actions, attr, (byte**)argv, (byte**)envp);
            if (err != 0) throw Explain.Failure(NativeCall.PosixSpawn, err, plan.Program);
            return pid;
        }
        finally
        {
            posix_spawn_file_actions_destroy(actions);
            posix_spawnattr_destroy(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            foreach (var p in strings) Marshal.FreeHGlobal(p);
            foreach (var t in temps) close(t);
        }
    }

    /// <summary>The managed environment (what Environment.SetEnvironmentVariable changed included; libc's
    /// environ does not see those) plus the plan's additions.</summary>
    private static IEnumerable<string> BuildEnvironment(IReadOnlyDictionary<string, string>? extra)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
            env[(string)e.Key] = (string?)e.Value ?? "";
        if (extra is not null)
            foreach (var (k, v) in extra) env[k] = v;
        return env.Select(kv => $"{kv.Key}={kv.Value}");
    }

    private static void Check(int err, NativeCall call)
    {
        if (err != 0) throw Explain.Failure(call, err);
    }

    private static IntPtr Pin(List<IntPtr> owned, string s)
    {
        var bytes = Sys.CString(s);
        var p = Marshal.AllocHGlobal(bytes.Length);
        Marshal.Copy(bytes, 0, p, bytes.Length);
        owned.Add(p);
        return p;
    }

    private static IntPtr PinArray(List<IntPtr> owned, IEnumerable<string> items)
    {
        var list = items.ToList();
        var array = Marshal.AllocHGlobal(IntPtr.Size * (list.Count + 1));
        owned.Add(array);
        for (int i = 0; i < list.Count; i++) Marshal.WriteIntPtr(array, i * IntPtr.Size, Pin(owned, list[i]));
        Marshal.WriteIntPtr(array, list.Count * IntPtr.Size, IntPtr.Zero);
        return array;
    }
}
