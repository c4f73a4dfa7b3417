package images

import "io/fs"

// blockSize is the allocation unit assumed where the system does not say
// how many blocks a file takes: ext4's, and an SD card's FAT cluster at the
// sizes a kiosk's card is formatted with.
const blockSize = 4096

// DiskBytes is what fi takes on the disk: the blocks the file system
// allocated to it, as du counts them, where the system reports them; else
// its size rounded up to whole blocks. A cap on state_dir is a cap on the
// card it fills, and a kept avatar of 30 KB takes 32 KiB there; with
// hundreds of pictures the rounding is a few per cent of the cap.
func DiskBytes(fi fs.FileInfo) int64 {
	if n, ok := allocated(fi); ok {
		return n
	}
	return roundBlock(fi.Size())
}

// roundBlock is n bytes rounded up to whole blocks: what a file of n bytes
// is expected to take before it is written.
func roundBlock(n int64) int64 {
	return (n + blockSize - 1) / blockSize * blockSize
}
