/** The paper this app implements, cited the same way everywhere (Learn page, README). */
export const PAPER = {
  title: 'Self-Harness: Harnesses That Improve Themselves',
  authors: 'Hangfan Zhang, Shao Zhang, Kangcong Li, Chen Zhang, Yang Chen, Yiqun Zhang, Lei Bai, Shuyue Hu',
  venue: 'arXiv:2606.09498',
  date: 'June 2026',
  url: 'https://arxiv.org/abs/2606.09498',
} as const;
