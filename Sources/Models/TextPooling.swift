/// How a text encoder turns its last hidden states [B, L, H] into one feature per sequence.
public enum TextPooling: String, Codable, CaseIterable, Sendable {
    /// The hidden state of the first token ([CLS]).
    case cls
    /// The mean of the hidden states of the tokens whose attention mask is non-zero.
    case mean
    /// BERT's pooler: tanh(W·h_[CLS] + b), weights `pooler.dense` (loaded from a checkpoint or
    /// randomly initialised).
    case pooler
}
