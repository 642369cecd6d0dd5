import { writeFile } from 'node:fs/promises';
import { loadTest } from 'http-sentinel';
import { phaseFromLoadTestReport, renderReportHtml } from 'http-sentinel/report';

export async function loadReport(url: string, file: string) {
  const report = await loadTest({ url, workers: 4, requestsPerWorker: 25 });
  await writeFile(file, renderReportHtml({ title: `Load test of ${url}`, phases: [phaseFromLoadTestReport(report)] }));
  return report;
}
