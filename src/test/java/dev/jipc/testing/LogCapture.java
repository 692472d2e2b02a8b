package dev.jipc.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What jipc logs to its {@code System.Logger} "dev.jipc" while open, at every level: the JDK's
 * default System.Logger backend is java.util.logging, so that logger is JUL's "dev.jipc".
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.jipc");
    private final Level level = logger.getLevel();
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    public LogCapture() {
        handler.setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    /** @return the records logged so far */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** @return the records so far whose message contains {@code text} */
    public List<LogRecord> containing(String text) {
        return records.stream().filter(r -> r.getMessage() != null && r.getMessage().contains(text)).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(level);
    }
}
