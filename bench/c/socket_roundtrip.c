// Round trip (64 B) and streaming (64 KiB sends) over TCP loopback, UDP loopback and a Unix socketpair, between a
// parent and a forked child: the C side of the sockets figures (gcc -O2 socket_roundtrip.c; run under taskset -c 0).
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
static void tcp_pair(int*a,int*b){int l=socket(AF_INET,SOCK_STREAM,0);struct sockaddr_in s={.sin_family=AF_INET,.sin_addr.s_addr=htonl(0x7f000001)};socklen_t n=sizeof s;bind(l,(void*)&s,n);listen(l,1);getsockname(l,(void*)&s,&n);*a=socket(AF_INET,SOCK_STREAM,0);connect(*a,(void*)&s,n);*b=accept(l,0,0);close(l);int one=1;setsockopt(*a,6,1,&one,4);setsockopt(*b,6,1,&one,4);}
static void udp_pair(int*a,int*b){struct sockaddr_in s1={.sin_family=AF_INET,.sin_addr.s_addr=htonl(0x7f000001)},s2=s1;socklen_t n=sizeof s1;*a=socket(AF_INET,SOCK_DGRAM,0);*b=socket(AF_INET,SOCK_DGRAM,0);bind(*a,(void*)&s1,n);bind(*b,(void*)&s2,n);getsockname(*a,(void*)&s1,&n);getsockname(*b,(void*)&s2,&n);connect(*a,(void*)&s2,n);connect(*b,(void*)&s1,n);}
static void rt(const char*name,int a,int b,int N){char buf[64]={0};pid_t p=fork();if(!p){close(a);for(int i=0;i<N;i++){recv(b,buf,64,MSG_WAITALL);send(b,buf,64,0);}_exit(0);}close(b);double*t=malloc(N*sizeof(double));for(int i=0;i<N;i++){double s=now();send(a,buf,64,0);recv(a,buf,64,MSG_WAITALL);t[i]=now()-s;}waitpid(p,0,0);qsort(t,N,sizeof(double),cmp);printf("C %-5s 64 B round trip: median %.1f us, p99 %.1f us\n",name,t[N/2]*1e6,t[N*99/100]*1e6);close(a);free(t);}
static void st(const char*name,int a,int b,long total){static char buf[65536];pid_t p=fork();if(!p){close(a);for(long s=0;s<total;s+=send(b,buf,sizeof buf,0));shutdown(b,SHUT_WR);_exit(0);}close(b);long got=recv(a,buf,sizeof buf,0);double s=now();long n;while((n=recv(a,buf,sizeof buf,0))>0)got+=n;double e=now()-s;waitpid(p,0,0);printf("C %-5s streaming 64 KiB sends: %.2f GB/s\n",name,got/e/1e9);close(a);}
int main(){int a,b,N=20000;tcp_pair(&a,&b);rt("TCP",a,b,N);udp_pair(&a,&b);rt("UDP",a,b,N);int sv[2];socketpair(AF_UNIX,SOCK_STREAM,0,sv);rt("Unix",sv[0],sv[1],N);
tcp_pair(&a,&b);st("TCP",a,b,1L<<30);socketpair(AF_UNIX,SOCK_STREAM,0,sv);st("Unix",sv[0],sv[1],1L<<30);return 0;}
