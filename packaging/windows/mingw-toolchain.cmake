# CMake toolchain for cross-building HiGHS (highs-sys) for x86_64-pc-windows-gnu on Linux.
# The POSIX-thread variants of mingw's compilers: HiGHS uses std::thread, which the win32
# thread model of Debian's default mingw g++ lacks. build.sh links the same variant's
# libstdc++ and winpthread statically, so yuva.exe needs no mingw DLL beside it.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
