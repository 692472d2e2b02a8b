package dev.jipc.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * A get or put that parked on the reactor for longer than the threshold. It begins when the
 * operation first parks and ends when it last wakes, so its duration is the wait, not the
 * operation's decoding or copying. Created only by an operation that parks: see {@link Jfr}.
 */
@Name("dev.jipc.PipeWait")
@Label("Pipe Wait")
@Category({"jipc"})
@Description("A pipe get or put that waited for the peer (an empty or full pipe) longer than the threshold")
@Threshold("20 ms")
@StackTrace(true)
final class PipeWaitEvent extends Event {
    @Label("Handle")
    @Description("The handle end that waited: Reader or Writer, its fd and codec")
    String handle;

    @Label("Direction")
    @Description("read (a get) or write (a put)")
    String direction;

    @Label("Bytes")
    @Description("The message's encoded size; 0 if the operation ended without one (timeout, close, peer closed)")
    @DataAmount
    long bytes;
}
