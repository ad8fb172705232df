"""The evidence wing: from a signal log to the model's inputs.

Who acted (attribution), what an act may answer (spiral context, reciprocity),
what was watched for and not seen (negative evidence), how far the whole
picture may be wrong (model doubt), and the encoding that reads the log once into
its evidence record (:mod:`beliefs.evidence.record`), which every view of the evidence reads.
"""
