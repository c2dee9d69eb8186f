import CHDF5

/// An open dataset ready for one-sample reads: its id, file space and a memory space of one
/// sample's shape. Owned by a `ShardReader`, which closes it under the HDF5 lock.
struct OpenSlab {
    /// The dataset id (H5Dopen2).
    let dataset: hid_t
    /// Its file dataspace (H5Dget_space); the reader re-selects a hyperslab per read.
    let fileSpace: hid_t
    /// A dataspace of shape [1, …] (H5Screate_simple).
    let memorySpace: hid_t
    /// The dataset's full shape.
    let shape: [Int]

    /// The number of samples (the first axis).
    var count: Int { shape.first ?? 0 }

    /// Values in one sample.
    var valuesPerSample: Int { shape.dropFirst().reduce(1, *) }

    /// Closes the spaces and the dataset (H5Sclose, H5Dclose).
    func close() {
        H5Sclose(memorySpace)
        H5Sclose(fileSpace)
        H5Dclose(dataset)
    }
}
