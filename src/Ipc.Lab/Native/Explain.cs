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
        [(NativeCall.MsgGet, Errno.ENOENT)] = ("no message queue has this key, and without IPC_CREAT msgget only looks an existing one up",
            "add IPC_CREAT to the flags to create the queue (with IPC_EXCL too, so that you never use someone else's)"),
        [(NativeCall.MsgGet, Errno.EEXIST)] = ("a queue with this key exists already, and IPC_EXCL asked for a new one",
            "pick another key, or remove the old queue (ipcrm -q ID)"),
        [(NativeCall.MsgGet, Errno.ENOSPC)] = ("the system-wide limit of message queues is reached (/proc/sys/kernel/msgmni)", "remove queues you no longer need; `ipcs -q` lists them"),
        [(NativeCall.MsgSnd, Errno.EAGAIN)] = ("the queue is full (msg_qbytes, 16,384 bytes by default) and IPC_NOWAIT asked not to wait",
            "let a receiver take messages first, or send without IPC_NOWAIT (with a timeout)"),
        [(NativeCall.MsgSnd, Errno.EINVAL)] = ("there is no message queue with this id (removed already, or never created), or the message is larger than msgmax (/proc/sys/kernel/msgmax)",
            "send to the Id of a queue its creator has not removed yet, and at most msgmax bytes"),
        [(NativeCall.MsgSnd, Errno.EIDRM)] = ("the queue was removed while this process waited to send", "remove a queue only when every process is done with it"),
        [(NativeCall.MsgRcv, Errno.ENOMSG)] = ("no message of the requested type is in the queue, and IPC_NOWAIT asked not to wait",
            "try again later, or receive without IPC_NOWAIT (with a timeout)"),
        [(NativeCall.MsgRcv, Errno.E2BIG)] = ("the message is longer than the buffer (maxSize), and without MSG_NOERROR msgrcv refuses it and leaves it in the queue",
            "receive with a buffer as large as the largest message, or pass MSG_NOERROR (noError: true) to cut it to the buffer's size"),
        [(NativeCall.MsgRcv, Errno.EINVAL)] = ("there is no message queue with this id (removed already, or never created)",
            "receive from the Id of a queue its creator has not removed yet"),
        [(NativeCall.MsgRcv, Errno.EIDRM)] = ("the queue was removed while this process waited for a message", "remove a queue only when every process is done with it: its creator last"),
        [(NativeCall.MsgCtlStat, Errno.EINVAL)] = ("there is no message queue with this id (removed already, or never created)",
            "use the Id of a queue its creator has not removed yet"),
        [(NativeCall.MsgCtlRemove, Errno.EINVAL)] = ("there is no message queue with this id: it was removed already", "remove each queue exactly once"),
        [(NativeCall.MqOpen, Errno.ENOENT)] = ("no POSIX message queue has that name (its creator removed it, or never made it)",
            "pass the full Name of the creator's queue (\"/ipc-lab-...\"), and open it before the creator disposes it"),
        [(NativeCall.MqOpenExclusive, Errno.EEXIST)] = ("a queue with that name exists already", "pick another name, or dispose the old queue first"),
        [(NativeCall.MqOpenExclusive, Errno.EINVAL)] = ("the capacity or the message size is above this machine's limit for an unprivileged process (/proc/sys/fs/mqueue/msg_max and msgsize_max), or below 1",
            "ask for at most msg_max messages of at most msgsize_max bytes"),
        [(NativeCall.MqOpenExclusive, Errno.EMFILE)] = ("this process has too many descriptors open, or this user's queues would use more memory than RLIMIT_MSGQUEUE allows (819,200 bytes by default)",
            "dispose queues you no longer need, or make them smaller (fewer or shorter messages)"),
        [(NativeCall.MqOpenExclusive, Errno.ENOSPC)] = ("the system-wide limit of POSIX message queues is reached (/proc/sys/fs/mqueue/queues_max)", "dispose queues you no longer need"),
        [(NativeCall.MqTimedSend, Errno.EMSGSIZE)] = ("the message is longer than the queue's message size (mq_msgsize, fixed when the queue was created)",
            "send shorter messages, or create the queue with a larger messageSize (at most /proc/sys/fs/mqueue/msgsize_max)"),
        [(NativeCall.MqTimedSend, Errno.EBADF)] = ("the queue's descriptor is closed", "do not use a queue after disposing it"),
        [(NativeCall.MqTimedReceive, Errno.EBADF)] = ("the queue's descriptor is closed", "do not use a queue after disposing it"),
        [(NativeCall.MqNotify, Errno.EBUSY)] = ("another registration for notification exists on this queue already (one process, once, per queue)",
            "wait for the notification you asked for (or dispose it) before asking again"),
        [(NativeCall.MqUnlink, Errno.ENOENT)] = ("no POSIX message queue has that name: it was removed already", "unlink each queue exactly once"),
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
