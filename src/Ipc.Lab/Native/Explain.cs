namespace Ipc.Lab.Native;

/// <summary>What an errno means for a particular call, and what usually fixes it. The general meaning of an
/// errno ("broken pipe") says little to a student; the call-specific one ("no process has the read end
/// open any more") says what happened.</summary>
internal static class Explain
{
    private static readonly Dictionary<(NativeCall Call, int Errno), (string Meaning, string Fix)> Specific = new()
    {
        [(NativeCall.Write, Errno.EPIPE)] = ("no process has the read end open any more, so nobody could ever read these bytes",
            "keep the read end open in the reader until the writer is done; a C writer would have been killed by SIGPIPE here (.NET ignores SIGPIPE, so you get EPIPE instead)"),
        [(NativeCall.Write, Errno.EAGAIN)] = ("the descriptor is non-blocking and the pipe is full: writing now would block",
            "wait until the reader drains the pipe (poll for POLLOUT), or use blocking mode"),
        [(NativeCall.Read, Errno.EAGAIN)] = ("the descriptor is non-blocking and no data is there yet: reading now would block",
            "try again later, poll for POLLIN first, or use blocking mode"),
        [(NativeCall.Read, Errno.EBADF)] = ("this descriptor is closed, or it is not open for reading (a pipe's write end cannot be read)",
            "read from the read end, and do not close it before you are done"),
        [(NativeCall.Write, Errno.EBADF)] = ("this descriptor is closed, or it is not open for writing (a pipe's read end cannot be written)",
            "write to the write end, and do not close it before you are done"),
        [(NativeCall.Close, Errno.EBADF)] = ("this descriptor is not open (closed twice?)", "close each descriptor exactly once"),
        [(NativeCall.FcntlSetPipeSize, Errno.EPERM)] = ("an unprivileged process may not raise a pipe above /proc/sys/fs/pipe-max-size",
            "ask for at most the size in /proc/sys/fs/pipe-max-size (1 MiB by default)"),
        [(NativeCall.FcntlSetPipeSize, Errno.EBUSY)] = ("the pipe holds more data than the new size could take",
            "drain the pipe first, or ask for a larger size"),
        [(NativeCall.MkFifo, Errno.EEXIST)] = ("a file with that name already exists",
            "pick another name, or remove the old FIFO first (Fifo.Create removes its FIFO when disposed)"),
        [(NativeCall.OpenFifo, Errno.ENXIO)] = ("non-blocking open for writing of a FIFO that no process has open for reading",
            "open the read end first, or open the write end in blocking mode"),
        [(NativeCall.Kill, Errno.ESRCH)] = ("no process with that pid exists (it may have exited and been reaped already)",
            "check the pid; a child you already waited for is gone"),
        [(NativeCall.Kill, Errno.EPERM)] = ("you may not signal that process: it belongs to another user",
            "signal only your own processes"),
        [(NativeCall.Kill, Errno.EINVAL)] = ("that is not a valid signal number", "use a number from 1 to 64, or a Signal value"),
        [(NativeCall.SigQueue, Errno.EAGAIN)] = ("this user's queue of pending real-time signals is full (the limit is RLIMIT_SIGPENDING, ulimit -i)",
            "let the receiver take what is queued before sending more"),
        [(NativeCall.RtTgSigQueueInfo, Errno.EAGAIN)] = ("this user's queue of pending real-time signals is full (the limit is RLIMIT_SIGPENDING, ulimit -i)",
            "let the receiver take what is queued before sending more"),
        [(NativeCall.TgKill, Errno.ESRCH)] = ("no thread with that id belongs to that process (the thread or the process has ended)",
            "send to the Tid the receiving thread reported, while it still runs"),
        [(NativeCall.SigQueue, Errno.ESRCH)] = ("no process with that pid exists (it may have exited and been reaped already)", "check the pid; a child you already waited for is gone"),
        [(NativeCall.SigQueue, Errno.EINVAL)] = ("that is not a valid signal number", "use a number from 1 to 64, or a Signal value"),
        [(NativeCall.PosixSpawn, Errno.ENOENT)] = ("the program to start does not exist at that path",
            "check the program name; give a full path or a program on PATH"),
        [(NativeCall.PosixSpawn, Errno.EACCES)] = ("the file exists but is not executable", "chmod +x it, or run it through its interpreter"),
        [(NativeCall.ShmOpen, Errno.ENOENT)] = ("no POSIX shared memory object has that name (its creator removed it, or never made it)",
            "pass the full Name of the creator's object (\"/ipc-lab-...\"), and open it before the creator disposes it"),
        [(NativeCall.ShmOpenExclusive, Errno.EEXIST)] = ("an object with that name exists already", "pick another name, or dispose the old object first"),
        [(NativeCall.SemOpen, Errno.ENOENT)] = ("no POSIX semaphore has that name (its creator removed it, or never made it)",
            "pass the full Name of the creator's semaphore, and open it before the creator disposes it"),
        [(NativeCall.SemOpenExclusive, Errno.EEXIST)] = ("a semaphore with that name exists already", "pick another name, or dispose the old semaphore first"),
        [(NativeCall.ShmAt, Errno.EINVAL)] = ("there is no shared memory segment with that id (removed already, or never created)",
            "attach the Id of a segment its creator has not disposed yet"),
        [(NativeCall.ShmGet, Errno.ENOENT)] = ("no segment has this key, and without IPC_CREAT shmget only looks an existing one up",
            "add IPC_CREAT to the flags to create the segment (with IPC_EXCL too, so that you never attach someone else's)"),
        [(NativeCall.Ftok, Errno.ENOENT)] = ("ftok builds the key from the file's inode, and there is no file at that path", "give ftok the path of a file that exists"),
        [(NativeCall.ShmGet, Errno.EINVAL)] = ("the size is outside what the kernel allows for one segment (see /proc/sys/kernel/shmmax)", "ask for a smaller size"),
        [(NativeCall.ShmGet, Errno.ENOSPC)] = ("the system-wide limit of segments (or of shared memory) is reached", "dispose segments you no longer need; `ipcs -m` lists them"),
        [(NativeCall.SemGet, Errno.ENOSPC)] = ("the system-wide limit of semaphore sets is reached", "dispose sets you no longer need; `ipcs -s` lists them"),
        [(NativeCall.Pipe2, Errno.EMFILE)] = ("this process has too many descriptors open", "close descriptors you no longer need (dispose pipes)"),
    };

    /// <summary>The calls the table above explains some errno of: what NativeErrorTests holds against the calls
    /// the library makes, so that an explanation no call site can reach is noticed.</summary>
    public static IEnumerable<NativeCall> ExplainedCalls => Specific.Keys.Select(k => k.Call).Distinct();

    public static SyscallException Failure(NativeCall call, int errno, string? context = null)
    {
        if (Specific.TryGetValue((call, errno), out var s))
            return new SyscallException(call, errno, s.Meaning, s.Fix, context);
        var fix = errno switch
        {
            Errno.EBADF => "the descriptor is closed or was never valid: do not use a descriptor after Close()",
            Errno.EACCES => "objects of this course are created with mode 0600: only their owner may use them",
            Errno.EINVAL => "check the arguments (sizes must be positive, flags valid for this call)",
            Errno.EMFILE => "close descriptors you no longer need",
            Errno.ENOENT => "check the name or path; it may have been removed already",
            _ => null,
        };
        return new SyscallException(call, errno, null, fix, context);
    }
}
