// Draws the release report's charts in the browser with uPlot (inlined by the report writer).
// Reads the data from <script id="report-data">; marks every phase change on every chart and the
// analysis results on the traffic chart, so one look shows when traffic moved and why it stopped.
/* global uPlot */
(() => {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const COLORS = {
    blue: "#1f6feb",
    green: "#2da44e",
    rate: "#57606a",
    error: "#cf222e",
    latency: "#8250df",
    marker: "#bc4c00",
    Successful: "#2da44e",
    Failed: "#cf222e",
    Inconclusive: "#8c959f",
  };
  const xs = data.timeline.map((point) => point.t / 1000);
  const hasServed = data.timeline.some((point) => point.served);

  function phaseMarkers(u) {
    const { ctx, bbox } = u;
    ctx.save();
    ctx.font = `${11 * devicePixelRatio}px sans-serif`;
    ctx.textBaseline = "top";
    ctx.textAlign = "left";
    data.phaseChanges.forEach((change, index) => {
      const pixel = Math.round(u.valToPos(change.t / 1000, "x", true));
      // A change at the last sample sits on the right edge: still inside the plot.
      if (pixel < bbox.left || pixel > bbox.left + bbox.width) return;
      // Half-pixel offset: a crisp one-pixel line in the marker colour.
      const x = pixel + 0.5;
      ctx.strokeStyle = COLORS.marker;
      ctx.lineWidth = devicePixelRatio;
      ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      // Labels on three staggered rows, on a light backing so lines underneath do not hide them.
      const label = `${index + 1}. ${change.to}`;
      const top = bbox.top + (2 + (index % 3) * 14) * devicePixelRatio;
      const width = ctx.measureText(label).width;
      // Right of the line, or left of it when the label would leave the plot.
      const right = x + 3 * devicePixelRatio;
      const left = right + width > bbox.left + bbox.width ? x - 3 * devicePixelRatio - width : right;
      ctx.setLineDash([]);
      ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
      ctx.fillRect(
        left - devicePixelRatio,
        top - devicePixelRatio,
        width + 2 * devicePixelRatio,
        13 * devicePixelRatio,
      );
      ctx.fillStyle = COLORS.marker;
      ctx.fillText(label, left, top);
    });
    ctx.restore();
  }

  function analysisMarkers(u) {
    const { ctx, bbox } = u;
    ctx.save();
    for (const entry of data.analyses) {
      const x = u.valToPos(entry.t / 1000, "x", true);
      if (x < bbox.left || x > bbox.left + bbox.width) continue;
      const y = bbox.top + bbox.height - 8 * devicePixelRatio;
      ctx.fillStyle = COLORS[entry.phase];
      ctx.beginPath();
      ctx.arc(x, y, 4 * devicePixelRatio, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.restore();
  }

  function width(element) {
    return Math.max(480, element.clientWidth || 900);
  }

  // Whole seconds and up: short releases otherwise get sub-second ticks (12:00:01.5).
  const TIME_INCREMENTS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
  const clockOf = (seconds) => new Date(seconds * 1000).toISOString().slice(11, 19);
  const timeAxis = { incrs: TIME_INCREMENTS, values: (_u, splits) => splits.map(clockOf) };

  function chart(id, series, columns, extra) {
    const element = document.getElementById(id);
    const draw = [phaseMarkers, ...(extra.draw || [])];
    const options = {
      width: width(element),
      height: 240,
      scales: { x: { time: true }, ...extra.scales },
      axes: [timeAxis, ...extra.axes],
      series: [
        {
          label: "time (UTC)",
          value: (_u, v) => (v == null ? "" : clockOf(v)),
        },
        ...series,
      ],
      hooks: { draw },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    };
    return new uPlot(options, [xs, ...columns], element);
  }

  const stepped = uPlot.paths.stepped({ align: 1 });
  const percent = (_u, values) => values.map((v) => `${v}%`);
  const trafficSeries = [
    {
      label: "weight blue",
      stroke: COLORS.blue,
      width: 2,
      scale: "%",
      paths: stepped,
      points: { show: false },
    },
    {
      label: "weight green",
      stroke: COLORS.green,
      width: 2,
      scale: "%",
      paths: stepped,
      points: { show: false },
    },
  ];
  const trafficColumns = [
    data.timeline.map((p) => p.weights.blue),
    data.timeline.map((p) => p.weights.green),
  ];
  if (hasServed) {
    for (const track of ["blue", "green"]) {
      trafficSeries.push({
        label: `served ${track}`,
        stroke: COLORS[track],
        dash: [5, 4],
        scale: "%",
        points: { show: false },
      });
      trafficColumns.push(
        data.timeline.map((p) => (p.served && p.served[track] != null ? p.served[track] * 100 : null)),
      );
    }
  }
  const charts = {
    traffic: chart("chart-traffic", trafficSeries, trafficColumns, {
      scales: { "%": { range: [0, 100] } },
      axes: [{ scale: "%", values: percent }],
      draw: [analysisMarkers],
    }),
    requests: chart(
      "chart-requests",
      [
        { label: "requests/s", stroke: COLORS.rate, width: 2, scale: "rps" },
        { label: "error rate %", stroke: COLORS.error, width: 2, scale: "err" },
      ],
      [data.timeline.map((p) => p.requestRate), data.timeline.map((p) => p.errorRate * 100)],
      {
        scales: {
          rps: { range: (_u, _min, max) => [0, Math.max(1, max)] },
          err: { range: (_u, _min, max) => [0, Math.min(100, Math.max(1, max * 1.2))] },
        },
        axes: [{ scale: "rps" }, { scale: "err", side: 1, values: percent, grid: { show: false } }],
      },
    ),
    latency: chart(
      "chart-latency",
      [{ label: "p95 latency s", stroke: COLORS.latency, width: 2, scale: "s", spanGaps: false }],
      [data.timeline.map((p) => p.p95LatencySeconds)],
      { scales: { s: { range: (_u, _min, max) => [0, Math.max(0.01, max)] } }, axes: [{ scale: "s" }] },
    ),
  };
  window.reportCharts = charts;
  document.documentElement.dataset.charts = "ready";
})();
