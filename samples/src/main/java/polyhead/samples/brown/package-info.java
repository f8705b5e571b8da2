/**
 * The Brown sample (issue 17): one BiLSTM encoder shared by three tasks on the tagged Brown corpus
 * ({@link polyhead.datasets.Brown}, shipped in {@code samples/data/brown}) — the fine Brown tag of each token (472
 * tags), its universal tag (12, Petrov, Das &amp; McDonald 2012's {@code en-brown.map}) and the genre of the
 * sentence's document (15) — against single-task models and against the same network written in PyTorch.
 *
 * <p>Protocol ({@code samples/specs/brown.json}; the single-task and other weighting specs in
 * {@code samples/specs/brown/} differ only in their tasks or weighting): split by document with seed 42 (train 396
 * documents, 45,221 sentences; test 52 documents, 5,999 sentences, 120,749 tokens; the validation part is not used,
 * no early stopping; no sentence truncated), vocabulary from the training part (minimum count 2, 26,689 words);
 * embedding 100 → 1-layer bidirectional LSTM, 128 each way → per-token linear heads {@code fine} and
 * {@code universal}, and {@code genre} on the mean of the sentence's outputs; cross-entropy over the non-padding
 * tokens (per-token tasks) or the sentences; Adam lr 1e-3, batch 32 (bucketed by length), 5 epochs, no dropout.
 * Seeds 0, 1, 2 draw the initialization and the batches. Reported on the test part after the last epoch: token
 * accuracy (unknown words included) and sentence accuracy for the genre; mean ± sample standard deviation over the
 * seeds; Δm against the single-task models of the same side ({@link polyhead.metrics.DeltaM}: mean relative drop in
 * percent, positive = worse than single-task). The PyTorch side ({@code samples/pytorch/brown_bilstm.py}, Debian's
 * PyTorch 1.13) reads the same split and vocabulary (see {@code samples/pytorch/README.md}); it has the single-task
 * models and equal weighting, not uncertainty weighting or MGDA.
 *
 * <p>Commands (from the repository root; each side on one thread; the sweep skips finished runs and resumes an
 * interrupted one from its last checkpoint; the table reads the committed results as well:
 * {@code python3 samples/scripts/brown_table.py samples/results/brown samples/pytorch/brown_bilstm.json}):
 * <pre>
 * samples/scripts/brown_table.sh runs/brown-table 0,1,2
 * OMP_NUM_THREADS=1 /usr/bin/python3 samples/pytorch/brown_bilstm.py --seeds 0,1,2 --configs equal,universal,genre,fine \
 *     --threads 1 --out samples/pytorch/brown_bilstm.json
 * python3 samples/scripts/brown_table.py runs/brown-table samples/pytorch/brown_bilstm.json
 * </pre>
 *
 * <p>Results (2026-12-07; Polyhead's 18 runs in {@code samples/results/brown/}, each run's {@code metrics.json} and
 * {@code history.csv}; PyTorch's 12 in {@code samples/pytorch/brown_bilstm.json}):
 * <pre>
 * | configuration | side | fine (token acc.) | universal (token acc.) | genre (sentence acc.) | seeds | Δm % | s/epoch |
 * |---|---|---|---|---|---|---|---|
 * | fine | Polyhead | 0.9279 ± 0.0006 | — | — | 0,1,2 | — | 95 |
 * | fine | PyTorch 1.13.0a0 | 0.9272 ± 0.0012 | — | — | 0,1,2 | — | 131 |
 * | universal | Polyhead | — | 0.9644 ± 0.0006 | — | 0,1,2 | — | 78 |
 * | universal | PyTorch 1.13.0a0 | — | 0.9637 ± 0.0006 | — | 0,1,2 | — | 100 |
 * | genre | Polyhead | — | — | 0.2114 ± 0.0058 | 0,1,2 | — | 73 |
 * | genre | PyTorch 1.13.0a0 | — | — | 0.2177 ± 0.0076 | 0,1,2 | — | 79 |
 * | equal | Polyhead | 0.9002 ± 0.0012 | 0.9556 ± 0.0015 | 0.2283 ± 0.0056 | 0,1,2 | -1.36 | 98 |
 * | equal | PyTorch 1.13.0a0 | 0.9011 ± 0.0001 | 0.9561 ± 0.0004 | 0.2226 ± 0.0020 | 0,1,2 | +0.45 | 130 |
 * | uncertainty | Polyhead | 0.9207 ± 0.0005 | 0.9659 ± 0.0006 | 0.2325 ± 0.0089 | 0,1,2 | -3.13 | 103 |
 * | mgda | Polyhead | 0.8165 ± 0.0015 | 0.8795 ± 0.0019 | 0.2228 ± 0.0053 | 0,1,2 | +5.13 | 118 |
 *
 * | configuration | task | Polyhead − PyTorch | Welch t |
 * |---|---|---|---|
 * | fine | fine | +0.0007 | +0.94 |
 * | universal | universal | +0.0007 | +1.43 |
 * | genre | genre | -0.0063 | -1.15 |
 * | equal | fine | -0.0009 | -1.26 |
 * | equal | universal | -0.0006 | -0.67 |
 * | equal | genre | +0.0057 | +1.66 |
 * </pre>
 *
 * <p>The seconds per epoch are wall-clock with both sides running at once, one core each (PyTorch's seed-0 {@code
 * equal} and {@code fine} ran earlier under other load): they are no speed comparison; W4 in {@code BENCHMARKS.md}
 * is.
 *
 * <p>What it shows:
 * <ul>
 *   <li><b>Polyhead reaches PyTorch's accuracy within seed noise</b> in every configuration both ran: the differences
 *   of the means are 0.06–0.09 points for the tagging tasks and 0.6 points for the genre, with |t| ≤ 1.66 (Welch, 3
 *   seeds a side: a rough guide, not a test at a stated level). Both sides draw the same initial distributions
 *   (PyTorch's defaults: N(0, 1) embeddings, U(±1/√H) for the LSTM, Kaiming-uniform heads) but not the same draws.
 *   <li><b>Multi-task against single-task.</b> Equal weighting costs the fine tag 2.8 (Polyhead) and 2.6 (PyTorch)
 *   points of token accuracy and the universal tag 0.9 and 0.8, and adds 1.7 and 0.5 points of genre accuracy. Δm is the mean of three relative changes, and the genre's accuracy is low (15 genres; chance
 *   0.07) and noisy, so its relative change dominates: Δm −1.4% (Polyhead) and +0.5% (PyTorch) are the same result
 *   within the genre's noise, not a difference between the libraries.
 *   <li><b>Uncertainty weighting</b> (Kendall et al. 2018) is the best of the three: the universal tag above its
 *   single-task model (0.9659 against 0.9644), the fine tag 0.7 points below, Δm −3.1%.
 *   <li><b>MGDA</b> (Sener &amp; Koltun 2018; here on the shared representation, the per-token BiLSTM outputs, with
 *   loss+ normalization) loses 11 points of fine-tag and 8.5 of universal-tag accuracy, Δm +5.1%, in all three
 *   seeds; why (the weights it chose were not examined) is left open, as is MGDA over the shared parameters, which
 *   costs a backward pass per task. Published MGDA results are on vision problems; none exists for this protocol.
 *   <li>The genre task is hard from one sentence (0.21–0.23): a sentence seldom says which of 15 genres its document
 *   is; nothing published to compare with for this split either.
 * </ul>
 */
package polyhead.samples.brown;
