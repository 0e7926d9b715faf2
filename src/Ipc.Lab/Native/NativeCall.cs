namespace Ipc.Lab.Native;

/// <summary>A system or library call the course makes, as <see cref="Explain"/> and every failure name it: one
/// constant per call (and per use, where one call does several different things, like fcntl), so that a
/// misspelt call does not compile instead of silently losing its explanation. Only the constants below exist.</summary>
internal sealed record NativeCall
{
    private NativeCall(string name) => Name = name;

    /// <summary>The call's C name, the way students read it in a failure ("fcntl(F_SETPIPE_SZ)", "write").</summary>
    public string Name { get; }

    public override string ToString() => Name;

    // Descriptors and pipes.
    public static readonly NativeCall Pipe2 = new("pipe2");
    public static readonly NativeCall SocketPair = new("socketpair");
    public static readonly NativeCall Close = new("close");
    public static readonly NativeCall Read = new("read");
    public static readonly NativeCall Write = new("write");
    public static readonly NativeCall Poll = new("poll");
    public static readonly NativeCall Dup2 = new("dup2");
    public static readonly NativeCall FcntlGetFlags = new("fcntl(F_GETFL)");
    public static readonly NativeCall FcntlSetFlags = new("fcntl(F_SETFL)");
    public static readonly NativeCall FcntlGetPipeSize = new("fcntl(F_GETPIPE_SZ)");
    public static readonly NativeCall FcntlSetPipeSize = new("fcntl(F_SETPIPE_SZ)");
    public static readonly NativeCall FcntlDupCloseOnExec = new("fcntl(F_DUPFD_CLOEXEC)");
    public static readonly NativeCall IoctlBytesAvailable = new("ioctl(FIONREAD)");
    public static readonly NativeCall Open = new("open");
    public static readonly NativeCall OpenFifo = new("open(FIFO)");
    public static readonly NativeCall MkFifo = new("mkfifo");
    public static readonly NativeCall Unlink = new("unlink");
    public static readonly NativeCall SendMsg = new("sendmsg");
    public static readonly NativeCall RecvMsg = new("recvmsg");
    public static readonly NativeCall EventFd = new("eventfd");

    // Processes.
    public static readonly NativeCall SchedGetAffinity = new("sched_getaffinity");
    public static readonly NativeCall SchedSetAffinity = new("sched_setaffinity");
    public static readonly NativeCall PosixSpawn = new("posix_spawn");
    public static readonly NativeCall PosixSpawnFileActionsInit = new("posix_spawn_file_actions_init");
    public static readonly NativeCall PosixSpawnFileActionsAddDup2 = new("posix_spawn_file_actions_adddup2");
    public static readonly NativeCall PosixSpawnFileActionsAddOpen = new("posix_spawn_file_actions_addopen");
    public static readonly NativeCall PosixSpawnFileActionsAddClose = new("posix_spawn_file_actions_addclose");
    public static readonly NativeCall PosixSpawnAttrInit = new("posix_spawnattr_init");
    public static readonly NativeCall PosixSpawnAttrSetSigDefault = new("posix_spawnattr_setsigdefault");
    public static readonly NativeCall PosixSpawnAttrSetSigMask = new("posix_spawnattr_setsigmask");
    public static readonly NativeCall PosixSpawnAttrSetPGroup = new("posix_spawnattr_setpgroup");
    public static readonly NativeCall PosixSpawnAttrSetFlags = new("posix_spawnattr_setflags");
    public static readonly NativeCall PidFdOpen = new("pidfd_open");
    public static readonly NativeCall SetPgid = new("setpgid");

    // Signals.
    public static readonly NativeCall Kill = new("kill");
    public static readonly NativeCall SigQueue = new("sigqueue");
    public static readonly NativeCall TgKill = new("tgkill");
    public static readonly NativeCall RtTgSigQueueInfo = new("rt_tgsigqueueinfo");
    public static readonly NativeCall SigAction = new("sigaction");
    public static readonly NativeCall SigPending = new("sigpending");
    public static readonly NativeCall SigTimedWait = new("sigtimedwait");
    public static readonly NativeCall PthreadSigMask = new("pthread_sigmask");
    public static readonly NativeCall SetRLimitCore = new("setrlimit(RLIMIT_CORE)");

    // Shared memory.
    public static readonly NativeCall MemFdCreate = new("memfd_create");
    public static readonly NativeCall FTruncate = new("ftruncate");
    public static readonly NativeCall Mmap = new("mmap");
    public static readonly NativeCall FStat = new("fstat");
    public static readonly NativeCall ShmOpen = new("shm_open");
    public static readonly NativeCall ShmOpenExclusive = new("shm_open(O_CREAT|O_EXCL)");
    public static readonly NativeCall ShmGet = new("shmget");
    public static readonly NativeCall Ftok = new("ftok");
    public static readonly NativeCall ShmAt = new("shmat");

    // Semaphores.
    public static readonly NativeCall SemGet = new("semget");
    public static readonly NativeCall SemOp = new("semop");
    public static readonly NativeCall SemTimedOp = new("semtimedop");
    public static readonly NativeCall SemCtlGetPid = new("semctl(GETPID)");
    public static readonly NativeCall SemCtlGetNCount = new("semctl(GETNCNT)");
    public static readonly NativeCall SemCtlGetValue = new("semctl(GETVAL)");
    public static readonly NativeCall SemCtlSetValue = new("semctl(SETVAL)");
    public static readonly NativeCall SemOpen = new("sem_open");
    public static readonly NativeCall SemOpenExclusive = new("sem_open(O_CREAT|O_EXCL)");
    public static readonly NativeCall SemTimedWait = new("sem_timedwait");
    public static readonly NativeCall SemPost = new("sem_post");
    public static readonly NativeCall SemGetValue = new("sem_getvalue");

    // Message queues.
    public static readonly NativeCall MsgGet = new("msgget");
    public static readonly NativeCall MsgSnd = new("msgsnd");
    public static readonly NativeCall MsgRcv = new("msgrcv");
    public static readonly NativeCall MsgCtlStat = new("msgctl(IPC_STAT)");
    public static readonly NativeCall MsgCtlRemove = new("msgctl(IPC_RMID)");
    public static readonly NativeCall MqOpen = new("mq_open");
    public static readonly NativeCall MqOpenExclusive = new("mq_open(O_CREAT|O_EXCL)");
    public static readonly NativeCall MqTimedSend = new("mq_timedsend");
    public static readonly NativeCall MqTimedReceive = new("mq_timedreceive");
    public static readonly NativeCall MqGetAttr = new("mq_getattr");
    public static readonly NativeCall MqUnlink = new("mq_unlink");
    public static readonly NativeCall MqNotify = new("mq_notify");

    // Sockets.
    public static readonly NativeCall Socket = new("socket");
    public static readonly NativeCall Bind = new("bind");
    public static readonly NativeCall Listen = new("listen");
    public static readonly NativeCall Accept = new("accept");
    public static readonly NativeCall Connect = new("connect");
    public static readonly NativeCall Send = new("send");
    public static readonly NativeCall SendTo = new("sendto");
    public static readonly NativeCall Recv = new("recv");
    public static readonly NativeCall RecvFrom = new("recvfrom");
    public static readonly NativeCall SetSockOpt = new("setsockopt");
    public static readonly NativeCall GetSockOpt = new("getsockopt");
    public static readonly NativeCall GetSockOptPeerCred = new("getsockopt(SO_PEERCRED)");
    public static readonly NativeCall GetSockName = new("getsockname");
    public static readonly NativeCall GetPeerName = new("getpeername");
    public static readonly NativeCall Shutdown = new("shutdown");
}
