import COpenBLAS
import ImageCodec
import TorchCheckpoint
