// Models' public API is written in Tensor's types (Tensor, Parameter, MaskableGroup,
// CrossEntropy, BLAS), so importing Models also imports Tensor.
@_exported import Tensor
