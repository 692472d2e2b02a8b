package dev.jipc.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/** The reactor's state, sampled periodically from counters its loop keeps (see {@link Jfr}). */
@Name("dev.jipc.ReactorLoop")
@Label("Reactor Loop")
@Category({"jipc"})
@Description("The jipc-reactor thread's poll(2) loop: the fds it watches and its iterations since the last sample")
@Period("1 s")
@StackTrace(false)
final class ReactorLoopEvent extends Event {
    @Label("Watched FDs")
    @Description("Fds in the poll set (pipes and pidfds that someone waits on), the reactor's own wake-up fd aside")
    int fds;

    @Label("Iterations")
    @Description("Loop iterations (poll(2) calls) since the previous sample")
    long iterations;
}
