# Bar chart of groupreceipt throughput / competitor throughput (log scale).
set terminal pngcairo size 1100,520 noenhanced font ",10"
set output outfile
set title "groupreceipt throughput / competitor throughput (same run; > 1 means groupreceipt is faster)"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.7
set logscale y
set yrange [0.01:*]
set grid ytics
set xtics rotate by -30
set key off
plot datafile using 2:xtic(1) lc rgb "#3a6ea5", 1 with lines lc rgb "red" dt 2
