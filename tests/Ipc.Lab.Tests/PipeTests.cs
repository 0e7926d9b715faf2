using System.Text;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using Ipc.Lab.Pipes;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>Anonymous pipes in one process: the kernel's byte stream, end of file, EPIPE, capacity, timeouts.</summary>
public class PipeTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void End_of_file_comes_once_every_write_end_is_closed_and_the_pipe_is_empty()
    {
        using var pipe = Pipe.Create();
        pipe.WriteEnd.Write("abc");
        pipe.WriteEnd.Close();

        Assert.Equal("abc", pipe.ReadEnd.ReadString(16));
        Assert.Empty(pipe.ReadEnd.Read(16));
        Assert.Empty(pipe.ReadEnd.Read(16)); // and stays there
    }

    [Fact]
    public void Writing_with_no_reader_left_is_EPIPE()
    {
        using var pipe = Pipe.Create();
        pipe.WriteEnd.Write("kept");
        pipe.ReadEnd.Close();

        var e = Assert.Throws<SyscallException>(() => pipe.WriteEnd.Write("lost"));

        Assert.Equal("EPIPE", e.ErrnoName);
    }

    [Fact]
    public void The_default_capacity_is_65536_and_can_be_changed_in_whole_pages()
    {
        using var pipe = Pipe.Create();
        Assert.Equal(65536, pipe.Capacity);
        Assert.Equal(65536, pipe.ReadEnd.Capacity);
        Assert.Equal(65536, pipe.WriteEnd.Capacity);

        pipe.Capacity = 1 << 20;
        Assert.Equal(1 << 20, pipe.ReadEnd.Capacity);

        pipe.WriteEnd.Capacity = 1000; // rounded up to one page
        Assert.Equal(4096, pipe.Capacity);

        using var small = Pipe.Create(capacity: 8192);
        Assert.Equal(8192, small.Capacity);
    }

    [Fact]
    public void A_non_blocking_writer_fills_the_pipe_to_exactly_its_capacity_then_gets_EAGAIN()
    {
        using var pipe = Pipe.Create();
        pipe.WriteEnd.NonBlocking = true;
        Assert.True(pipe.WriteEnd.NonBlocking);
        Assert.False(pipe.ReadEnd.NonBlocking);
        var page = new byte[4096];
        int total = 0;

        var e = Assert.Throws<SyscallException>(() =>
        {
            for (int i = 0; i < 1000; i++) total += pipe.WriteEnd.Write(page);
        });

        Assert.Equal("EAGAIN", e.ErrnoName);
        Assert.Contains("pipe is full", e.Meaning);
        Assert.Equal(pipe.Capacity, total);
        Assert.Equal(65536, pipe.BytesInPipe);
        Assert.Equal(65536, pipe.ReadEnd.BytesAvailable);
    }

    [Fact]
    public void A_non_blocking_read_of_an_empty_pipe_is_EAGAIN()
    {
        using var pipe = Pipe.Create();
        pipe.ReadEnd.NonBlocking = true;

        var e = Assert.Throws<SyscallException>(() => pipe.ReadEnd.Read(16));

        Assert.Equal("EAGAIN", e.ErrnoName);
        Assert.Contains("no data is there yet", e.Meaning);
    }

    [Fact]
    public void A_pipe_is_a_byte_stream_reads_do_not_follow_the_writes_boundaries()
    {
        using var pipe = Pipe.Create();
        var written = Enumerable.Range(0, 40).Select(i => (byte)('A' + i)).ToArray();
        for (int i = 0; i < 4; i++) Assert.Equal(10, pipe.WriteEnd.Write(written.AsSpan(i * 10, 10)));
        Assert.Equal(40, pipe.BytesInPipe);

        // All 40 bytes are in the pipe, so each read(2) returns exactly what it asks for.
        var reads = new[] { 5, 15, 15, 5 }.Select(n => pipe.ReadEnd.Read(n)).ToArray();

        Assert.Equal([5, 15, 15, 5], reads.Select(r => r.Length));
        Assert.Equal(written, reads.SelectMany(r => r));
        Assert.Equal(0, pipe.BytesInPipe);
    }

    [Fact]
    public void One_read_returns_what_is_there_even_when_more_was_asked()
    {
        using var pipe = Pipe.Create();
        pipe.WriteEnd.Write("short");

        var got = new byte[100];
        int n = pipe.ReadEnd.Read(got);

        Assert.Equal(5, n);
        Assert.Equal("short", Encoding.UTF8.GetString(got, 0, n));
    }

    [Fact]
    public void ReadString_stops_at_the_first_NUL_as_printf_would()
    {
        using var pipe = Pipe.Create();
        pipe.WriteEnd.Write("Hello\0garbage after the terminator");

        Assert.Equal("Hello", pipe.ReadEnd.ReadString(64));
        Assert.Equal(0, pipe.BytesInPipe); // the whole read(2) was consumed
    }

    [Fact]
    public void ReadExactly_fails_with_end_of_stream_when_the_writer_closes_early()
    {
        using var pipe = Pipe.Create();
        pipe.WriteEnd.Write("abc");
        pipe.WriteEnd.Close();

        var e = Assert.Throws<EndOfStreamException>(() => pipe.ReadEnd.ReadExactly(10));

        Assert.Contains("after 3 of 10 bytes", e.Message);
    }

    [Fact]
    public void Sizes_and_timeouts_that_make_no_sense_are_refused()
    {
        using var pipe = Pipe.Create();

        Assert.Throws<ArgumentOutOfRangeException>(() => pipe.ReadEnd.Read(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipe.ReadEnd.Read(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipe.ReadEnd.ReadString(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipe.ReadEnd.ReadExactly(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipe.Capacity = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => pipe.WriteEnd.Capacity = -4096);
        Assert.Throws<ArgumentOutOfRangeException>(() => Pipe.Create(capacity: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipe.ReadEnd.Read(16, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipe.WriteEnd.Write("x", TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Lab.DefaultTimeout = TimeSpan.Zero);
        Assert.Equal(0, pipe.ReadEnd.Read(Span<byte>.Empty)); // an empty buffer reads nothing and does not wait
    }

    [Fact]
    public void Using_an_end_after_Close_is_ObjectDisposedException_naming_it()
    {
        using var pipe = Pipe.Create();
        pipe.ReadEnd.Close();
        pipe.WriteEnd.Close();

        var read = Assert.Throws<ObjectDisposedException>(() => pipe.ReadEnd.Read(4));
        var write = Assert.Throws<ObjectDisposedException>(() => pipe.WriteEnd.Write("x"));

        Assert.Contains("The pipe read end is closed", read.Message);
        Assert.Contains("The pipe write end is closed", write.Message);
        Assert.True(pipe.ReadEnd.IsClosed);
        Assert.Equal("pipe read end (closed)", pipe.ReadEnd.ToString());
    }

    [Fact]
    public void A_write_into_a_full_pipe_times_out_saying_the_pipe_is_full()
    {
        using var pipe = Pipe.Create(capacity: 4096);
        pipe.WriteEnd.Write(new byte[4096]);

        var e = Assert.Throws<WaitTimeoutException>(() => pipe.WriteEnd.Write("one more", Short));

        Assert.Contains("write on the pipe write end", e.Message);
        Assert.Contains("room in the buffer", e.Message);
        Assert.Contains("The pipe is full (4096 bytes)", e.Message);
        Assert.Equal(4096, pipe.BytesInPipe); // nothing of the timed-out write went in
    }

    [Fact]
    public void A_large_write_into_a_pipe_whose_pages_are_partly_filled_still_ends_at_its_timeout()
    {
        using var pipe = Pipe.Create();
        // 3000-byte writes cannot share a 4096-byte page: sixteen of them take all sixteen slots of the ring
        // with only 48,000 bytes. Reading one of them frees one slot: room for 4096 bytes, not for 17,536.
        for (int i = 0; i < 16; i++) pipe.WriteEnd.Write(new byte[3000]);
        pipe.ReadEnd.ReadExactly(3000);

        Exception? thrown = null;
        var writer = new Thread(() =>
        {
            try { pipe.WriteEnd.Write(new byte[20_000], Short); }
            catch (Exception e) { thrown = e; }
        });
        writer.Start();
        bool ended = writer.Join(TimeSpan.FromSeconds(10));
        if (!ended)
        {
            pipe.ReadEnd.Close(); // unblocks the stuck write(2) with EPIPE, so the thread does not outlive the test
            writer.Join(TimeSpan.FromSeconds(10));
        }

        Assert.True(ended, "a write with a 0.3 s timeout was still blocked in write(2) after 10 s");
        Assert.IsType<WaitTimeoutException>(thrown);
        Assert.Contains("bytes (", thrown!.Message); // "room for the last N bytes (M written)"
    }

    [Fact]
    public void A_read_that_times_out_says_the_write_end_is_still_open_in_this_process()
    {
        using var pipe = Pipe.Create();

        var e = Assert.Throws<WaitTimeoutException>(() => pipe.ReadEnd.Read(16, Short));

        Assert.Contains("read on the pipe read end", e.Message);
        Assert.Contains("waited 0.3 s for data to arrive", e.Message);
        Assert.Contains("still open in this process", e.Message);
        Assert.Contains("pipe.WriteEnd.Close()", e.Message);
    }

    // From BoundedCall.ShortestTimeoutMs on, a read or write is one blocking system call, ended by the watchdog's
    // signal at the deadline instead of by poll(2): the same errors must come out of it.
    private static readonly TimeSpan Direct = TimeSpan.FromMilliseconds(BoundedCall.ShortestTimeoutMs + 200);

    [Fact]
    public void A_blocking_read_with_a_long_timeout_is_interrupted_at_its_deadline_and_says_what_it_waited_for()
    {
        using var pipe = Pipe.Create();

        var e = Assert.Throws<WaitTimeoutException>(() => pipe.ReadEnd.Read(16, Direct));

        Assert.Contains("read on the pipe read end", e.Message);
        Assert.Contains("waited 1.2 s for data to arrive", e.Message);
        Assert.Contains("still open in this process", e.Message);
        // The interrupted read took nothing: what is written now is read whole.
        pipe.WriteEnd.Write("after");
        Assert.Equal("after", pipe.ReadEnd.ReadString(16, Direct));
    }

    [Fact]
    public void A_blocking_write_with_a_long_timeout_into_a_full_pipe_is_interrupted_and_writes_nothing()
    {
        using var pipe = Pipe.Create(capacity: 4096);
        pipe.WriteEnd.Write(new byte[4096]);

        var e = Assert.Throws<WaitTimeoutException>(() => pipe.WriteEnd.Write("one more", Direct));

        Assert.Contains("room in the buffer", e.Message);
        Assert.Contains("The pipe is full (4096 bytes)", e.Message);
        Assert.Equal(4096, pipe.BytesInPipe);
    }

    [Fact]
    public void A_large_blocking_write_that_only_partly_fits_ends_at_its_deadline_saying_how_much_went_in()
    {
        using var pipe = Pipe.Create();
        for (int i = 0; i < 16; i++) pipe.WriteEnd.Write(new byte[3000]);
        pipe.ReadEnd.ReadExactly(3000);

        var e = Assert.Throws<WaitTimeoutException>(() => pipe.WriteEnd.Write(new byte[20_000], Direct));

        Assert.Contains("bytes (4096 written)", e.Message);
    }

    [Fact]
    public void A_read_blocked_in_the_kernel_is_named_by_Activity_while_it_waits()
    {
        using var pipe = Pipe.Create();
        Exception? thrown = null;
        var reader = new Thread(() =>
        {
            try { pipe.ReadEnd.Read(16, TimeSpan.FromSeconds(20)); }
            catch (Exception e) { thrown = e; }
        });
        reader.Start();
        string seen = "";
        for (int i = 0; i < 200 && !seen.Contains($"(fd {pipe.ReadEnd.Fd}), waiting for data"); i++)
        {
            Thread.Sleep(50);
            seen = Activity.Describe();
        }
        pipe.WriteEnd.Write("x");
        Assert.True(reader.Join(TimeSpan.FromSeconds(10)), "the reader did not return after data was written");

        Assert.Contains($"read on pipe read end (fd {pipe.ReadEnd.Fd}), waiting for data to arrive", seen);
        Assert.Null(thrown);
    }

    [Fact]
    public void Reads_and_writes_are_recorded_in_the_event_trace()
    {
        using var pipe = Pipe.Create();
        long mark = EventTrace.Mark();

        pipe.WriteEnd.Write("12345");
        pipe.ReadEnd.Read(16);
        pipe.WriteEnd.Close();
        pipe.ReadEnd.Read(16);

        var events = EventTrace.Since(mark).Where(e => e.Pid == Environment.ProcessId).ToArray();
        Assert.Contains(events, e => e.Kind == TraceKind.Wrote && e.Bytes == 5);
        Assert.Contains(events, e => e.Kind == TraceKind.Read && e.Bytes == 5);
        Assert.Contains(events, e => e.Kind == TraceKind.Closed && e.Detail.Contains("pipe write end"));
        Assert.Contains(events, e => e.Kind == TraceKind.EndOfFile);
        Assert.Equal("not inside any Ipc.Lab call", Activity.Describe());
    }
}
