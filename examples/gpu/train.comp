#version 450
// One step of linear regression by gradient descent: each invocation takes one sample, its residual
// r = x.w + b - y, and each workgroup sums r*x_j (every feature j), r (the bias) and r*r (the loss) over its 256
// samples. The host adds the workgroups' sums (in double) and takes the step. Compiled to train.spv
// (glslc -O, through lwjgl-shaderc; GpuExampleTest checks the two match).
layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer Features { float x[]; };   // n rows of d features
layout(std430, binding = 1) readonly buffer Targets { float y[]; };    // n targets
layout(std430, binding = 2) readonly buffer Weights { float w[]; };    // d weights, then the bias
layout(std430, binding = 3) writeonly buffer Sums { float sums[]; };   // per workgroup: d + 2 sums

layout(push_constant) uniform Shape {
    uint n;
    uint d;
};

shared float part[256];

void main() {
    uint i = gl_GlobalInvocationID.x;
    uint l = gl_LocalInvocationID.x;
    float r = 0.0;
    if (i < n) {
        float p = w[d];
        for (uint j = 0; j < d; j++) p += x[i * d + j] * w[j];
        r = p - y[i];
    }
    // d + 2 tree reductions over the workgroup; d is the same for every invocation, so the barriers are uniform
    for (uint j = 0; j < d + 2; j++) {
        float v = 0.0;
        if (j < d) {
            if (i < n) v = r * x[i * d + j];
        } else if (j == d) {
            v = r;
        } else {
            v = r * r;
        }
        part[l] = v;
        barrier();
        for (uint k = 128; k > 0; k >>= 1) {
            if (l < k) part[l] += part[l + k];
            barrier();
        }
        if (l == 0) sums[gl_WorkGroupID.x * (d + 2) + j] = part[0];
        barrier();
    }
}
