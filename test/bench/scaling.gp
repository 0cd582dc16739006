# Per-call cost (microseconds) and bytes per message against a size, log-log.
set terminal pngcairo size 900,520 noenhanced font ",10"
set output outfile
set datafile separator ","
set logscale xy
set xlabel xlab
set ylabel "microseconds per call / bytes per message"
set key outside right
set grid
measures = "post_us ack_us ack_msgs_us unread_counts_us readers_non_readers_us bytes_per_message"
plot for [m in measures] datafile using 1:(stringcolumn(2) eq m ? $3 : 1/0) with linespoints title m
