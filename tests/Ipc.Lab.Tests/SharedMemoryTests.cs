using Ipc.Lab.Io;
using Ipc.Lab.Native;
using Ipc.Lab.Processes;
using Ipc.Lab.SharedMemory;
using Ipc.Lab.Tests.Infrastructure;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>Shared memory three ways, each between real processes: what one writes the other reads, sizes and
/// bounds are checked, and nothing is left in the kernel once the owner is done.</summary>
public class SharedMemoryTests : LeavesNoKernelObjects
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    [Fact]
    public void A_store_by_a_child_into_its_mapping_of_a_file_is_in_the_parent_s_mapping_and_in_read_at_once()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "hello, file");
            using (var file = MappedFile.Map(path))
            {
                Assert.Equal(11, file.Size);
                using var child = Fork.Run(file, f => f.Write(0, "HELLO"u8), name: "file writer");
                Assert.True(child.Wait(Long).Success);

                Assert.Equal("HELLO, file", System.Text.Encoding.ASCII.GetString(file.AsSpan()));
                Assert.Equal("HELLO, file", File.ReadAllText(path));   // read(2): the same page cache, no msync needed
            }
            Assert.True(File.Exists(path));   // unmapped, not deleted: the file is the caller's

            File.WriteAllText(path, "");
            var e = Assert.Throws<InvalidOperationException>(() => MappedFile.Map(path));
            Assert.Contains("empty", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Anonymous_shared_memory_given_to_a_child_carries_text_both_ways()
    {
        using var shm = AnonymousSharedMemory.Create(128);
        shm.Text().Write("1111");

        using var child = Fork.Run(shm, m =>
        {
            Console.WriteLine($"child read {m.Text().Read()}");
            m.Text().Write("2222");
        });

        Assert.True(child.Wait(Long).Success, child.ToString());
        Assert.Equal("child read 1111", child.StandardOutput);
        Assert.Equal("2222", shm.Text().Read());
    }

    [Fact]
    public void Atomic_increments_from_two_children_lose_nothing()
    {
        using var shm = AnonymousSharedMemory.Create(64);
        const int each = 100_000;
        var children = Enumerable.Range(0, 2).Select(_ => Fork.Run(shm, each, (m, n) =>
        {
            var counter = m.Counter(8);
            for (int i = 0; i < n; i++) counter.AtomicIncrement();
        })).ToList();
        foreach (var c in children)
        {
            Assert.True(c.Wait(Long).Success, c.ToString());
            c.Dispose();
        }
        Assert.Equal(2 * each, shm.Counter(8).Value);
        Assert.Equal(0, shm.Counter(0).Value);
    }

    [Fact]
    public void Posix_shared_memory_is_reached_by_name_and_its_name_is_gone_after_dispose()
    {
        string name;
        string entry;
        using (var shm = PosixSharedMemory.Create("posix-test", 4096))
        {
            name = shm.Name;
            entry = "/dev/shm" + name;
            Assert.True(File.Exists(entry), entry);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(entry));
            Assert.Equal(4096, new FileInfo(entry).Length);

            using var child = Fork.Run(shm.Name, n =>
            {
                using var m = PosixSharedMemory.Open(n);
                m.Counter().Value = m.Size;
                m.Text(8).Write("from an unrelated opener");
            });
            Assert.True(child.Wait(Long).Success, child.ToString());
            Assert.Equal(4096, shm.Counter().Value);
            Assert.Equal("from an unrelated opener", shm.Text(8).Read());
        }
        Assert.False(File.Exists(entry), $"{entry} was left");
        var e = Assert.Throws<SyscallException>(() => PosixSharedMemory.Open(name));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.Contains("no POSIX shared memory object has that name", e.Message);
    }

    [Fact]
    public void A_posix_name_is_prefixed_with_user_and_pid_and_a_second_create_of_it_fails()
    {
        using var shm = PosixSharedMemory.Create("twice", 16);
        Assert.StartsWith($"/ipc-lab-{Tmds.Linux.LibC.getuid()}-{Environment.ProcessId}-", shm.Name);
        Assert.EndsWith("-twice", shm.Name);
        var e = Assert.Throws<SyscallException>(() => PosixSharedMemory.Create("twice", 16));
        Assert.Equal(Errno.EEXIST, e.Errno);
        Assert.Throws<ArgumentException>(() => PosixSharedMemory.Create("../etc", 16));
    }

    [Fact]
    public void SysV_shared_memory_is_attached_by_id_and_removed_on_dispose()
    {
        int id, key;
        using (var shm = SysVSharedMemory.Create(1000))
        {
            id = shm.Id;
            key = shm.Key;
            Assert.NotEqual(0, key); // never IPC_PRIVATE: the key is what lets a killed run's leftovers be recognised
            Assert.True(KernelObjects.SysVExists(shm: true, id, key));
            Assert.Equal("600", KernelObjects.SysVMode(shm: true, id));

            using var child = Fork.Run(shm, m =>
            {
                Console.WriteLine($"child sees {m.Size} bytes");
                m.Counter().AtomicAdd(41);
                m.Counter().AtomicIncrement();
            });
            Assert.True(child.Wait(Long).Success, child.ToString());
            Assert.Equal("child sees 1000 bytes", child.StandardOutput);
            Assert.Equal(42, shm.Counter().Value);
        }
        Assert.False(KernelObjects.SysVExists(shm: true, id, key), $"segment {id} was left");
        var e = Assert.Throws<SyscallException>(() => SysVSharedMemory.Attach(id));
        Assert.Equal("shmat", e.Call);
        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Contains("no shared memory segment with that id", e.Message);
    }

    [Fact]
    public void SysV_shared_memory_by_an_ftok_key_fails_without_IPC_CREAT_then_is_created_0600_and_found_by_its_key()
    {
        string file = Path.GetTempFileName();
        try
        {
            int key = SysVSharedMemory.Ftok(file, 'A');
            var e = Assert.Throws<SyscallException>(() => SysVSharedMemory.Get(key, 1024, 0b110_100_100));   // the slide's 0644
            Assert.Equal("shmget", e.Call);
            Assert.Equal("ENOENT", e.ErrnoName);
            Assert.Contains("IPC_CREAT", e.Message);

            int id;
            using (var shm = SysVSharedMemory.Get(key, 1024, SysVSharedMemory.IPC_CREAT | SysVSharedMemory.IPC_EXCL))
            {
                id = shm.Id;
                Assert.Equal(key, shm.Key);
                Assert.Equal("600", KernelObjects.SysVMode(shm: true, id));
                Assert.Contains(("shm", id.ToString()), ObjectRegistry.Held());
                shm.Text().Write("by key");
                using var child = Fork.Run(key, k =>
                {
                    using var same = SysVSharedMemory.Get(k, 1024, 0);
                    Console.WriteLine(same.Text().Read());
                });
                Assert.True(child.Wait(Long).Success, child.ToString());
                Assert.Equal("by key", child.StandardOutput);
                using (SysVSharedMemory.Get(key, 1024, SysVSharedMemory.IPC_CREAT)) { }   // found, not created: not removed
                Assert.True(KernelObjects.SysVExists(shm: true, id, key));
            }
            Assert.False(KernelObjects.SysVExists(shm: true, id, key), $"segment {id} was left");
            Assert.Equal("ENOENT", Assert.Throws<SyscallException>(() => SysVSharedMemory.Ftok(file + ".missing", 'A')).ErrnoName);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(SharedRegion.MaxSize + 1)]
    [InlineData(long.MaxValue)]
    public void A_zero_negative_or_huge_size_is_refused_before_anything_is_created(long size)
    {
        var sysvBefore = KernelObjects.SysV(shm: true);
        var e1 = Assert.Throws<ArgumentOutOfRangeException>(() => AnonymousSharedMemory.Create(size));
        Assert.Throws<ArgumentOutOfRangeException>(() => PosixSharedMemory.Create("sized", size));
        Assert.Throws<ArgumentOutOfRangeException>(() => SysVSharedMemory.Create(size));
        Assert.Contains(size <= 0 ? "positive size" : "1 GiB", e1.Message);
        Assert.DoesNotContain(KernelObjects.SysV(shm: true).Except(sysvBefore), o => KernelObjects.ShmCreator(o.Id) == Environment.ProcessId);
    }

    [Fact]
    public void Views_check_their_bounds_alignment_and_that_the_region_is_still_mapped()
    {
        var shm = AnonymousSharedMemory.Create(32);
        Assert.Throws<ArgumentOutOfRangeException>(() => shm.Counter(32));
        Assert.Throws<ArgumentOutOfRangeException>(() => shm.Counter(-8));
        Assert.Contains("multiple of 8", Assert.Throws<ArgumentException>(() => shm.Counter(4)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => shm.Write(30, new byte[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => shm.Read(-1, new byte[1]));
        var slot = shm.Text(24, 8);
        slot.Write("1234567");
        Assert.Equal("1234567", slot.Read());
        Assert.Contains("terminating NUL", Assert.Throws<ArgumentException>(() => slot.Write("12345678")).Message);
        var counter = shm.Counter(0);
        counter.Increment();
        Assert.Equal(1, counter.Value);

        shm.Dispose();

        Assert.Throws<ObjectDisposedException>(() => counter.Value);
        Assert.Throws<ObjectDisposedException>(() => slot.Read());
        Assert.Throws<ObjectDisposedException>(() => shm.AsSpan().Length);
        shm.Dispose(); // twice is harmless
    }

    [Fact]
    public void Objects_are_created_0600_so_another_user_is_denied()
    {
        using var shm = PosixSharedMemory.Create("private", 64);
        var path = "/dev/shm" + shm.Name;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        // Root bypasses permission bits (CAP_DAC_OVERRIDE, CAP_IPC_OWNER), so "denied" can only be shown to a
        // process of another user: as root we drop to nobody for one open of the object; as anyone else, the
        // mode checked above is all a test can see, because no other user is at hand.
        if (Tmds.Linux.LibC.getuid() != 0) return;
        using var other = Command.Start("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "cat", path);
        var status = other.Wait(TimeSpan.FromSeconds(20));
        Assert.False(status.Success, "user nobody could read a 0600 object of root's");
        Assert.Contains(other.Output, l => l.IsError && l.Text.Contains("Permission denied"));
    }
}
