package dev.jipc;

/**
 * One end of a {@link DuplexPipe}: what one end puts, the other gets, in both directions.
 * Getting and putting on one handle may proceed at the same time from different threads.
 *
 * @param <T> the message type
 */
public interface DuplexHandle<T> extends PipeReader<T>, PipeWriter<T> {
}
